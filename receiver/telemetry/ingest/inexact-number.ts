/** Quick test for text that may hold such a number: a run of 16 digits, or a 3-digit exponent. */
const MAYBE = /\d{16}|[eE][+-]?\d{3}/;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;

/** Numbers of a JSON text that `JSON.parse` does not hold as written (the first of each sort). */
export interface InexactNumbers {
  /** Out of a double's range (`1e400` would become `Infinity`, stored as `null`). */
  outOfRange?: string;
  /**
   * An integer beyond ±2^53 that is not exactly a double: kept as the nearest one
   * (`9007199254740993` as `…992`, PHP's `PHP_INT_MAX` as `9223372036854775808`).
   */
  rounded?: string;
}

/**
 * The numbers of a JSON text (already known to be valid JSON) that `JSON.parse` cannot hold as
 * written; `undefined` when every number is kept.
 *
 * Why a scan of the text: the parsed value no longer tells a rounded integer from an exact one,
 * and Node 20's `JSON.parse` gives a reviver no source text. Fractions and exponents with fewer
 * digits are doubles on both sides (PHP's floats are the same), so only their range is checked.
 */
export function inexactNumbers(text: string): InexactNumbers | undefined {
  if (!MAYBE.test(text)) return undefined;
  const found: InexactNumbers = {};
  for (let i = 0; i < text.length && found.outOfRange === undefined; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      continue;
    }
    if (code !== MINUS && (code < 0x30 || code > 0x39)) continue;
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) continue;
    const literal = match[0];
    i += literal.length - 1;
    const value = Number(literal);
    if (!Number.isFinite(value)) found.outOfRange = literal;
    else if (found.rounded === undefined && isRoundedInteger(literal, value, match)) {
      found.rounded = literal;
    }
  }
  return found.outOfRange === undefined && found.rounded === undefined ? undefined : found;
}

function isRoundedInteger(literal: string, value: number, match: RegExpExecArray): boolean {
  const integer = match[1] === undefined && match[2] === undefined;
  // 15 digits always fit in a double.
  return integer && literal.length > 15 && BigInt(literal) !== BigInt(value);
}

/** Index of the quote that closes the string opened at `start`. */
function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i;
  }
  return text.length;
}
