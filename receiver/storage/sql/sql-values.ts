/**
 * Conversions of driver values: PostgreSQL returns COUNT/SUM as strings, MySQL returns SUM and
 * AVG as decimal strings, SQLite returns timestamps as UTC text.
 */

/** A count or sum as a JSON integer (`null`, e.g. SUM over no rows, is 0). */
export const int = (value: unknown): number =>
  value === null || value === undefined ? 0 : Math.round(Number(value));

/** A nullable integer column (`line`): `null` stays `null`. */
export const intOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** An average, 0 when there was nothing to average. */
export const avg = (value: unknown): number =>
  value === null || value === undefined ? 0 : Number(value);

/** Rounds half away from zero to `decimals` places (PHP `round`). */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
}

/** `part ÷ whole × 100` rounded to 1 decimal, 0 when `whole` is 0. */
export const percent = (part: number, whole: number): number =>
  whole > 0 ? round((part / whole) * 100, 1) : 0;

/** A stored timestamp as an instant (SQLite text is UTC without an offset). */
export function instantOf(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** A JSON column (stored as text) decoded; SQL NULL is `null`. */
export const json = (value: unknown): unknown =>
  value === null || value === undefined
    ? null
    : typeof value === 'string'
      ? JSON.parse(value)
      : value;

/** A string column (`null` as `""`). */
export const text = (value: unknown): string =>
  value === null || value === undefined ? '' : String(value);

/** Whether a column holds a value (not SQL NULL; `undefined` when a driver leaves it out). */
export const present = (value: unknown): boolean => value !== null && value !== undefined;
