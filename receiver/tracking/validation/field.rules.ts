import { byteLength, stringField, truncateBytes, type JsonBody } from '../../common';
import { LIMITS } from '../tracking.constants';

/**
 * Trimmed, coerced string field cut to `maxBytes` (on a character boundary); `fallback` when the
 * field is missing or null.
 */
export function text(body: JsonBody, field: string, maxBytes: number, fallback = ''): string {
  const value = stringField(body, field);
  return value === undefined ? fallback : truncateBytes(value, maxBytes);
}

/** Like {@link text}, but `null` when the field is missing or null (error `stack`). */
export function optionalText(body: JsonBody, field: string, maxBytes: number): string | null {
  const value = stringField(body, field);
  return value === undefined ? null : truncateBytes(value, maxBytes);
}

/**
 * `"0"` is accepted as a value (contract 7 #21 recommends it; the original's PHP `empty()`
 * rejected it); only an empty string after trimming counts as missing.
 */
export const isBlank = (value: string): boolean => value === '';

/** One of `allowed`, else `fallback` (severity and environment degrade silently). */
export function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * Error / audit `context`: kept only when it is a JSON object or array whose compact encoding is
 * at most 8 KB; anything else is dropped to `null` without failing the event (contract 2.2.2).
 */
export function contextField(body: JsonBody): unknown {
  const value = body.context;
  if (typeof value !== 'object' || value === null) return null;
  return byteLength(JSON.stringify(value)) <= LIMITS.context ? value : null;
}
