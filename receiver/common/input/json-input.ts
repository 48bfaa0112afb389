import { CommonMessages } from '../common.messages';
import { InvalidInputError } from '../errors/receiver.errors';
import { LONE_SURROGATES } from '../../../lib/protocol/lone-surrogate';

/**
 * How deep a request's JSON may nest. Real contexts, telemetry values and flag variants stay
 * within a handful of levels; 10 000 levels fit in a 64 KB body and overflow the stack of every
 * recursive walk after the parser (serialising, storing, hashing).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * `JSON.parse` for request input, with the receiver's two rules for every field of every route,
 * the same on every engine:
 * - NUL characters (`\u0000`) are removed from every string and key: PostgreSQL text and JSONB
 *   cannot hold them (the whole batch would fail), and no client means them; a lone UTF-16
 *   surrogate becomes U+FFFD ({@link cleanText});
 * - nesting deeper than {@link MAX_JSON_DEPTH} is a 400.
 * Throws `SyntaxError` for text that is not JSON (callers answer their own 400).
 */
export function parseJsonInput(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return cleanJson(parsed);
}

/** Removes NUL characters from a string (the one NUL policy of the receiver). */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A JSON string as the receiver keeps it: NUL removed and every lone UTF-16 surrogate (a JSON
 * `\ud83d` escape without its pair) replaced by U+FFFD. The snippet and the Node SDK cut messages
 * to 1024 UTF-16 units, which can split an emoji; PHP's json_decode refused the whole body (the
 * event was lost), and each engine stored the half its own way (SQLite as three U+FFFD, PostgreSQL
 * and MariaDB as one, their JSON columns as yet other text). One U+FFFD everywhere keeps the event.
 */
function cleanText(value: string): string {
  const text = withoutNul(value);
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

/**
 * Applies the rules of {@link parseJsonInput} to an already decoded value, without recursion
 * (the value may be as deep as the parser allowed). Containers are cleaned in place.
 */
export function cleanJson(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (typeof value !== 'object' || value === null) return value;
  const pending: { node: Record<string, unknown> | unknown[]; depth: number }[] = [
    { node: value as Record<string, unknown>, depth: 1 },
  ];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (depth > MAX_JSON_DEPTH)
      throw new InvalidInputError(CommonMessages.jsonTooDeep(MAX_JSON_DEPTH));
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === 'string') node[i] = cleanText(item);
        else if (typeof item === 'object' && item !== null) {
          pending.push({ node: item as Record<string, unknown>, depth: depth + 1 });
        }
      }
      continue;
    }
    for (const key of Object.keys(node)) {
      const value = node[key];
      let item = value;
      if (typeof value === 'string') item = cleanText(value);
      else if (typeof value === 'object' && value !== null) {
        pending.push({ node: value as Record<string, unknown>, depth: depth + 1 });
      }
      // Written back only when something changed: every request body passes here.
      const cleanKey = cleanText(key);
      if (cleanKey !== key) {
        delete node[key];
        if (!(cleanKey in node)) node[cleanKey] = item;
      } else if (item !== value) node[key] = item;
    }
  }
  return value;
}
