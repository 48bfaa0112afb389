const BACKSLASH = 0x5c;

const hex4 = (text: string, at: number): number | undefined =>
  /^[0-9a-fA-F]{4}$/.test(text.slice(at, at + 4))
    ? parseInt(text.slice(at, at + 4), 16)
    : undefined;

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * @internal
 * Rebuilds the text laravel-telemetry-reporter signed from the body its HTTP client sent.
 *
 * The sender signs `json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE)`, while
 * Guzzle's `json` option sends `json_encode($payload)` without flags. The two texts differ in
 * exactly two ways: the body writes `/` as `\/`, and every code point above U+007F as `\uHHHH` (a
 * surrogate pair above U+FFFF) — except U+2028 and U+2029, which PHP escapes in both (it needs
 * `JSON_UNESCAPED_LINE_TERMINATORS` to write them raw). Undoing exactly those escapes yields the
 * signed text byte for byte. Nothing is parsed and re-serialised: numeric-string keys keep their
 * order, `2.0e-5` stays `2.0e-5`, and every other escape (`\"`, `\\`, `\n`, `\u0001`, a lone
 * surrogate) stays as sent.
 */
export function phpSignedForm(body: string): string {
  let out = '';
  let copiedUpTo = 0;
  const replace = (from: number, to: number, text: string): void => {
    out += body.slice(copiedUpTo, from) + text;
    copiedUpTo = to;
  };
  for (let i = 0; i < body.length; i++) {
    if (body.charCodeAt(i) !== BACKSLASH) continue;
    const next = body[i + 1];
    if (next === '/') {
      replace(i, i + 2, '/');
      i += 1;
      continue;
    }
    if (next === 'u') {
      const unit = hex4(body, i + 2);
      if (unit !== undefined && isHighSurrogate(unit) && body.startsWith('\\u', i + 6)) {
        const low = hex4(body, i + 8);
        if (low !== undefined && isLowSurrogate(low)) {
          replace(i, i + 12, String.fromCharCode(unit, low));
          i += 11;
          continue;
        }
      }
      const decodable =
        unit !== undefined &&
        unit >= 0x80 &&
        !isHighSurrogate(unit) &&
        !isLowSurrogate(unit) &&
        unit !== 0x2028 &&
        unit !== 0x2029;
      if (decodable) {
        replace(i, i + 6, String.fromCharCode(unit));
        i += 5;
        continue;
      }
    }
    // Any other escape is written the same in both forms. Stepping over its second character
    // keeps an escaped backslash (`\\`) from being read as the start of the next escape.
    i += 1;
  }
  return out + body.slice(copiedUpTo);
}
