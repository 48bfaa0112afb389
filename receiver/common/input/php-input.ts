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
 * Whether a UTF-16 code unit is one of the six characters PHP's `trim()` strips by default:
 * space, `\t`, `\n`, `\r`, `\0` and `\x0B`. JavaScript's `trim()` strips every Unicode space
 * (U+00A0, U+2028, U+3000, …) and `\f` as well, which merges values the original keeps apart.
 */
const isPhpTrimmed = (code: number): boolean =>
  code === 0x20 ||
  code === 0x09 ||
  code === 0x0a ||
  code === 0x0d ||
  code === 0x00 ||
  code === 0x0b;

/**
 * PHP's `trim()` with its default character list (contract: "trimmed"). A loop rather than a
 * regular expression: `/\s+$/`-style patterns are quadratic on long runs of inner white space.
 */
export function phpTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isPhpTrimmed(value.charCodeAt(start))) start++;
  while (end > start && isPhpTrimmed(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * A string field with PHP's scalar coercion (`123` → `"123"`, `true` → `"1"`, `false` → `""`),
 * trimmed as PHP trims ({@link phpTrim}). `undefined`/`null` give `undefined`; arrays and objects
 * are a 400 (PHP crashed).
 */
export function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return phpTrim(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  throw new InvalidInputError(CommonMessages.mustBeString(field));
}

/**
 * PHP `(int)` of a string: the leading integer after PHP's numeric white space (space, `\t`, `\n`,
 * `\r`, `\v`, `\f` — not U+00A0 and the other Unicode spaces JavaScript's `\s` accepts); else 0.
 */
export function phpIntCast(value: string): number {
  const match = /^[ \t\n\r\v\f]*([+-]?\d+)/.exec(value);
  return match ? Number.parseInt(match[1], 10) : 0;
}

/** Largest id of the receiver's integer primary keys (a signed 32-bit column on every engine). */
export const MAX_ROW_ID = 2_147_483_647;

/**
 * Whether a number can be the id of a row: a client's `2147483648` or `1e308` cannot, and sent
 * to PostgreSQL it is an out-of-range error rather than "no such row". Callers answer 404.
 */
export function isRowId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 1 && id <= MAX_ROW_ID;
}

/** PHP `(int)` cast: leading integer of a string, truncated numbers, `true` → 1; else 0. */
export function intField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return phpIntCast(value);
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
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short values need no byte count (most fields).
  if (value.length * 3 <= maxBytes || Buffer.byteLength(value, 'utf8') <= maxBytes) return value;
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
