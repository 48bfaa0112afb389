import type { IncomingMessage, ServerResponse } from 'node:http';

/** Fixed CORS header values of the Micrologs contract (section 1.7). */
export const CORS_ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE, OPTIONS';
export const CORS_ALLOW_HEADERS = 'Content-Type, X-API-Key';
export const CORS_MAX_AGE = '86400';

/**
 * Writes the CORS headers on a response. The origin is echoed only when it is an exact,
 * case-sensitive member of `allowedOrigins`; `Vary: Origin` keeps caches from serving one
 * origin's answer to another.
 */
export function applyCors(
  request: IncomingMessage,
  response: ServerResponse,
  allowedOrigins: readonly string[],
): void {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && allowedOrigins.includes(origin)) {
    response.setHeader('Access-Control-Allow-Origin', origin);
  }
  response.setHeader('Access-Control-Allow-Methods', CORS_ALLOW_METHODS);
  response.setHeader('Access-Control-Allow-Headers', CORS_ALLOW_HEADERS);
  response.setHeader('Access-Control-Max-Age', CORS_MAX_AGE);
  response.setHeader('Vary', 'Origin');
}
