import type { ServerResponse } from 'node:http';

/**
 * Headers every receiver response carries. The receiver answers JSON, plain text, a redirect and
 * one script that other sites load, so the set is chosen for an API and a cross-origin tracking
 * script rather than for HTML pages:
 * - `nosniff`: a JSON or text answer is never run as script or style, and the snippet only runs
 *   because it is served as JavaScript;
 * - `default-src 'none'; frame-ancestors 'none'` and `X-Frame-Options: DENY` (for browsers without
 *   CSP 2): an answer opened directly in a tab runs nothing and cannot be framed; a CSP on a
 *   script response does not apply to the pages that load it, so the snippet is unaffected;
 * - `Cross-Origin-Resource-Policy: cross-origin`: customer sites load the snippet and call the
 *   API from their own origin, also when they enforce `Cross-Origin-Embedder-Policy`
 *   (`same-origin`, helmet's default, would break them);
 * - `Referrer-Policy: strict-origin-when-cross-origin`: the browsers' default, made explicit. A
 *   redirect's policy governs the request that follows it, so `no-referrer` would hide the linking
 *   site from every short link's destination; nothing else the receiver answers makes requests.
 * HSTS is left to whatever terminates TLS: the receiver often runs behind a proxy on plain HTTP.
 */
export const RECEIVER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'cross-origin',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

const SECURITY_HEADER_ENTRIES = Object.entries(RECEIVER_SECURITY_HEADERS);

/** Writes the security headers and drops `X-Powered-By` (Express sets it before any middleware). */
export function applySecurityHeaders(response: ServerResponse): void {
  response.removeHeader('X-Powered-By');
  for (const [name, value] of SECURITY_HEADER_ENTRIES) response.setHeader(name, value);
}
