/**
 * Query-string input of the analytics endpoints. Every parameter is coerced to one string first
 * (`?a=1&a=2` → `"2"`, the last one, as PHP reads it; `?a[]=x` or `?a[b]=y` → absent), then the
 * contract's rules apply.
 */
export type AnalyticsQuery = Record<string, unknown>;

/** One query parameter as a single string, or `undefined`. */
export function queryValue(query: AnalyticsQuery, name: string): string | undefined {
  const value = query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const last: unknown = value[value.length - 1];
    return typeof last === 'string' ? last : undefined;
  }
  return undefined;
}

/** A trimmed parameter, `''` when absent. */
export const trimmedValue = (query: AnalyticsQuery, name: string): string =>
  (queryValue(query, name) ?? '').trim();

/** PHP `(int)` of a query string: leading sign and digits, anything else 0. */
export function intValue(value: string | undefined): number {
  const match = value === undefined ? null : /^\s*[+-]?\d+/.exec(value);
  return match ? Number.parseInt(match[0], 10) : 0;
}

/** `limit`: absent → `fallback`; otherwise integer-cast and clamped to `1 … max`. */
export function limitValue(query: AnalyticsQuery, fallback: number, max: number): number {
  const raw = queryValue(query, 'limit');
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
} as const;
