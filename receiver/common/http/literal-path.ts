/**
 * The URL with every path segment whose percent escapes do not decode (`%zz`, a cut `%A`, bytes
 * that are not UTF-8 such as `%E0%A4%A`) kept as written: its `%` signs escaped as `%25`, so the
 * segment decodes to the text the client sent. `undefined` when the path decodes as it is.
 *
 * Why: Fastify refuses such a path before any hook runs (`400 {statusCode, code: FST_ERR_BAD_URL}`)
 * and Express refuses it when a route parameter fails to decode (`400 Failed to decode param`),
 * each in its own shape. Taken literally, the path goes through the receiver's pipeline like any
 * other and gets the answer of its route family: the unknown code of a short link is a plain-text
 * 404, an unknown host or path under the prefix a 404 in the envelope — the same on both adapters.
 */
export function literalPathUrl(url: string): string | undefined {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  if (!path.includes('%')) return undefined;
  let changed = false;
  const segments = path.split('/').map((segment) => {
    if (!segment.includes('%') || decodes(segment)) return segment;
    changed = true;
    return segment.replaceAll('%', '%25');
  });
  if (!changed) return undefined;
  return segments.join('/') + (end === -1 ? '' : url.slice(end));
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
