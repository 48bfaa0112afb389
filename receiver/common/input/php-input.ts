import { CommonMessages } from '../common.messages';
import { InvalidInputError } from '../errors/receiver.errors';

/**
 * PHP's `empty()` as the Micrologs handlers use it for "is required": missing, `null`, `''`,
 * `'0'`, `0` and `false` are empty.
 */
export function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === '0' ||
    value === 0 ||
    value === false
  );
}

/**
 * A string field with PHP's scalar coercion (`123` → `"123"`, `true` → `"1"`, `false` → `""`),
 * trimmed. `undefined`/`null` give `undefined`; arrays and objects are a 400 (PHP crashed).
 */
export function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value).trim();
  if (typeof value === 'boolean') return value ? '1' : '';
  throw new InvalidInputError(CommonMessages.mustBeString(field));
}

/** PHP `(int)` cast: leading integer of a string, truncated numbers, `true` → 1; else 0. */
export function intField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const match = /^\s*[+-]?\d+/.exec(value);
    return match ? Number.parseInt(match[0], 10) : 0;
  }
  return 0;
}

/** PHP truthiness (the string `"false"` is true; `"0"`, `""`, `0`, `false`, `null`, `[]` are not). */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return !isEmpty(value);
}

/** Byte length of a string in UTF-8. */
export const byteLength = (value: string): number => Buffer.byteLength(value, 'utf8');

/**
 * Truncates to at most `maxBytes` UTF-8 bytes without cutting a character in half (the original
 * cut bytes blindly and could store broken UTF-8).
 */
export function truncateBytes(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end);
}
