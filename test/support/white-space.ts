/** What PHP's `trim()` strips by default (contract: "trimmed"). */
export const PHP_TRIMMED = [' ', '\t', '\n', '\r', '\0', '\x0B'];

/** The six in one run, for the ends of a value. */
export const PHP_TRIMMED_RUN = PHP_TRIMMED.join('');

/**
 * White space JavaScript's `trim()` strips (all but U+0085) and PHP's keeps: form feed, and the
 * Unicode spaces and separators (no-break, en quad … hair, line/paragraph, ideographic, BOM…).
 */
export const PHP_KEPT = [
  '\f',
  '\u0085',
  '\u00A0',
  '\u1680',
  '\u2000',
  '\u2003',
  '\u200A',
  '\u2028',
  '\u2029',
  '\u202F',
  '\u205F',
  '\u3000',
  '\uFEFF',
];

/** `U+00A0`-style name of a one-character string. */
export const codePoint = (c: string): string =>
  `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
