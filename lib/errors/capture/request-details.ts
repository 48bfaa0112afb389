/** What a report says about the request an error happened in. */
export interface RequestDetails {
  method?: string;
  /** The route pattern (`/orders/:id`), which groups requests where the URL does not. */
  route?: string;
  /** Absolute URL when the `Host` header is known, else the path; query secrets redacted. */
  url?: string;
  requestId?: string;
}

interface AnyRequest {
  method?: unknown;
  url?: unknown;
  originalUrl?: unknown;
  baseUrl?: unknown;
  protocol?: unknown;
  headers?: Record<string, unknown>;
  route?: { path?: unknown };
  routeOptions?: { url?: unknown };
  routerPath?: unknown;
  id?: unknown;
}

const REDACTED = '[redacted]';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Method, route, URL and request id of an Express or Fastify request (Nest hands the adapter's
 * own request object to interceptors). Anything that is not such a request gives `{}`.
 */
export function requestDetails(request: unknown, redact: readonly string[]): RequestDetails {
  if (typeof request !== 'object' || request === null) return {};
  const req = request as AnyRequest;
  const headers = typeof req.headers === 'object' && req.headers !== null ? req.headers : {};
  // Express keeps the path before sub-routers in `originalUrl`; Fastify's `url` is the whole path.
  const path = text(req.originalUrl) ?? text(req.url);
  const host = text(headers.host);
  const protocol = text(req.protocol) ?? 'http';
  const expressRoute = text(req.route?.path);
  const route =
    text(req.routeOptions?.url) ??
    text(req.routerPath) ??
    (expressRoute && `${text(req.baseUrl) ?? ''}${expressRoute}`);
  const requestId =
    text(headers['x-request-id']) ??
    text(headers['x-correlation-id']) ??
    (typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined);
  const safePath = path && redactQuery(path, redact);
  return {
    ...(text(req.method) && { method: text(req.method) }),
    ...(route && { route }),
    ...(safePath && { url: host ? `${protocol}://${host}${safePath}` : safePath }),
    ...(requestId && { requestId }),
  };
}

/**
 * The URL with the values of the listed query parameters (names compared without case) replaced
 * by `[redacted]`; everything else is kept byte for byte, fragment included.
 */
export function redactQuery(url: string, redact: readonly string[]): string {
  const start = url.indexOf('?');
  if (start < 0 || redact.length === 0) return url;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const pairs = url
    .slice(start + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        name = rawName;
      }
      return redact.includes(name.trim().toLowerCase()) ? `${rawName}=${REDACTED}` : pair;
    });
  return `${url.slice(0, start)}?${pairs.join('&')}${url.slice(end)}`;
}
