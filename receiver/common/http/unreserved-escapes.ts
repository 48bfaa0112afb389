/** An escape of a character that never needs one: letters, digits, `-`, `.`, `_`, `~`. */
const UNRESERVED_ESCAPE = /%(2[DdEe]|3\d|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])/g;

/**
 * The URL with the percent escapes of unreserved characters in its path decoded
 * (`/api/projects/list%2Ephp` → `/api/projects/list.php`); `undefined` when there are none.
 * The query string is left as written.
 *
 * Why: RFC 3986 (6.2.2.2) makes such escapes equivalent to the characters, and the web servers
 * the original runs behind (Apache, nginx) decode the path before they map it to a PHP file, so
 * `list%2Ephp` is `list.php` there. Fastify's router decoded it and served the route, Express's
 * matched the escaped text and answered 404; decoded before either routes, both serve it — and
 * through the receiver's whole pipeline (CORS, body cap), which Fastify skipped for the escaped
 * spelling. Escapes of reserved characters (`%2F`, `%3F`, …) keep their meaning and stay.
 */
export function unreservedDecodedUrl(url: string): string | undefined {
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  if (!path.includes('%')) return undefined;
  const decoded = path.replace(UNRESERVED_ESCAPE, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  if (decoded === path) return undefined;
  return decoded + (end === -1 ? '' : url.slice(end));
}
