import { phpIntCast, phpTrim } from '../common/input/php-input';
import { queryParam } from '../common/request/receiver-request';

/**
 * Query-string input of the analytics endpoints, read from the request itself (through the
 * receiver's `queryParam`, so Express and Fastify parse alike: one string per parameter).
 */
export type AnalyticsQuery = unknown;

/** One query parameter as a single string, or `undefined`. */
export const queryValue = (request: AnalyticsQuery, name: string): string | undefined =>
  queryParam(request, name);

/** A parameter trimmed as PHP trims, `''` when absent. */
export const trimmedValue = (query: AnalyticsQuery, name: string): string =>
  phpTrim(queryValue(query, name) ?? '');

/** PHP `(int)` of a query string: leading sign and digits, anything else 0. */
export const intValue = (value: string | undefined): number =>
  value === undefined ? 0 : phpIntCast(value);

/** `limit` (or `name`): absent → `fallback`; otherwise integer-cast and clamped to `1 … max`. */
export function limitValue(
  query: AnalyticsQuery,
  fallback: number,
  max: number,
  name = 'limit',
): number {
  const raw = queryValue(query, name);
  if (raw === undefined) return fallback;
  return Math.min(max, Math.max(1, intValue(raw)));
}

/** A filter that must be one of `allowed`; anything else is silently no filter (`''`). */
export function enumValue(query: AnalyticsQuery, name: string, allowed: readonly string[]): string {
  const value = queryValue(query, name) ?? '';
  return allowed.includes(value) ? value : '';
}

/** Values of the errors filters (contract 2.5.9). */
export const ERROR_STATUSES = ['open', 'investigating', 'resolved', 'ignored'] as const;
export const ERROR_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export const ERROR_ENVIRONMENTS = ['production', 'staging', 'development'] as const;

/** Limits of the list endpoints: default and maximum (contract 2.5.4, 2.5.9, 2.5.12). */
export const LIMITS = {
  pages: { fallback: 20, max: 100 },
  errors: { fallback: 50, max: 100 },
  audits: { fallback: 50, max: 200 },
  /** Later periods per retention cohort (`periods`). */
  retentionPeriods: { fallback: 8, max: 365 },
} as const;
