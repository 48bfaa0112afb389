/**
 * Half a UTF-16 surrogate pair (a string cut mid-emoji): JavaScript holds it, UTF-8 cannot, and
 * `JSON.stringify` writes it as an escape such as `\ud83d` that PHP's `json_decode` refuses. The
 * client refuses such values (contract 5.3); the receiver keeps the text with U+FFFD in its place.
 * Global: use it with `replace`, or through {@link hasLoneSurrogate}.
 */
export const LONE_SURROGATES =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Whether the text holds half a surrogate pair. */
export function hasLoneSurrogate(text: string): boolean {
  LONE_SURROGATES.lastIndex = 0;
  return LONE_SURROGATES.test(text);
}
