import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommonMessages } from '../common.messages';
import { fail } from '../envelope/envelope';
import { type ClientSettings, receiverState } from '../request/receiver-request';
import { readBody } from './body-reader';
import { applyCors } from './cors';
import { literalPathUrl } from './literal-path';
import { unreservedDecodedUrl } from './unreserved-escapes';
import type { ReceiverRouteTable } from './receiver-route.table';
import { applySecurityHeaders } from './security-headers';

const REQUEST_ID = /^[\w.:@/-]{1,128}$/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Settings of the front door, taken from the resolved receiver options. */
export interface FrontDoorSettings extends ClientSettings {
  routePrefix: string;
  allowedOrigins: readonly string[];
}

/**
 * Steps 1–2 of the contract's pipeline, run before the framework routes the request and
 * identically on Express and Fastify: request id, CORS headers, `OPTIONS` → 200 for every
 * receiver path, 405 for a known path with the wrong method, and the raw body read (any content
 * type, capped) so that later steps — and signature checks — see the exact bytes.
 */
export class ReceiverFrontDoor {
  private readonly prefix: string;

  constructor(
    private readonly settings: FrontDoorSettings,
    private readonly routes: ReceiverRouteTable,
  ) {
    this.prefix = settings.routePrefix ? `/${settings.routePrefix}` : '';
  }

  /**
   * Whether the front door looks after this path: the receiver's own routes, and any `.php` path
   * under the prefix (Micrologs clients may preflight those). Other routes of the application —
   * even under the same prefix — keep their own body parsing and CORS.
   */
  covers(path: string): boolean {
    if (this.routes.allowedMethods(path)) return true;
    return path.endsWith('.php') && (this.prefix === '' || path.startsWith(`${this.prefix}/`));
  }

  /** Whether `routePath` (a path as a route declares it, `/r/:code`) is one of the receiver's. */
  isReceiverRoute(routePath: string): boolean {
    return this.routes.allowedMethods(routePath) !== undefined;
  }

  /**
   * Whether an unrouted request on this path is the receiver's to answer (404 in its envelope):
   * anything under a non-empty prefix. Host routes under the same prefix are routed before this
   * is asked; with an empty prefix the host application keeps its own 404.
   */
  ownsUnknown(path: string): boolean {
    return this.prefix !== '' && (path === this.prefix || path.startsWith(`${this.prefix}/`));
  }

  /**
   * Runs before the framework routes any request of the server, and changes only the receiver's
   * paths, so that both adapters route them alike and answer in the receiver's shape:
   * - escapes of unreserved characters are decoded (`list%2Ephp` is `list.php`:
   *   {@link unreservedDecodedUrl});
   * - percent escapes that do not decode are taken literally ({@link literalPathUrl});
   * - one trailing slash is dropped from a receiver route (`/api/telemetry/`, `/r/<code>/`):
   *   Express ignores it, Fastify answered 404 — and a configured `server_url`, a proxy or a
   *   hand-written link may add one, which Laravel's router and the original's PHP files accept.
   */
  normalizePath(request: IncomingMessage): void {
    let url = request.url;
    if (url === undefined) return;
    if (url.includes('%')) {
      const decoded = unreservedDecodedUrl(url);
      if (decoded !== undefined && this.isReceiverPath(pathOf(decoded))) url = decoded;
    }
    if (url.includes('%')) {
      const literal = literalPathUrl(url);
      if (literal !== undefined && this.isReceiverPath(pathOf(url))) url = literal;
    }
    const end = url.indexOf('?');
    const path = end === -1 ? url : url.slice(0, end);
    if (path.length > 1 && path.endsWith('/')) {
      const trimmed = path.slice(0, -1);
      if (this.routes.allowedMethods(trimmed)) url = trimmed + (end === -1 ? '' : url.slice(end));
    }
    request.url = url;
  }

  private isReceiverPath(path: string): boolean {
    return this.covers(path) || this.ownsUnknown(path);
  }

  /**
   * Runs the early steps. Returns `true` when the response has been written (OPTIONS, 405) and
   * the framework must not route the request any further.
   */
  async handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
    this.writeCommonHeaders(request, response);
    const method = (request.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      response.statusCode = 200;
      response.setHeader('Content-Length', '0');
      response.end();
      return true;
    }
    const allowed = this.routes.allowedMethods(path);
    if (allowed && !allowed.has(method)) {
      writeEnvelope(response, 405, CommonMessages.methodNotAllowed);
      return true;
    }
    if (BODY_METHODS.has(method)) receiverState(request).body = await readBody(request);
    // Any other method's body is never read by the original (PHP leaves it alone); drained and
    // dropped here, so Express's JSON parser (Fastify's skips it) does not answer a GET to
    // health, redirect or analytics with its own 400 or 413.
    else if (declaresBody(request)) await readBody(request, 0);
    return false;
  }

  /** Answers a request no route took: 404 in the envelope, with the usual headers. */
  notFound(request: IncomingMessage, response: ServerResponse): void {
    // A request the front door already saw (an unknown `.php` path) keeps its request id.
    if (!receiverState(request).requestId) this.writeCommonHeaders(request, response);
    writeEnvelope(response, 404, CommonMessages.notFound);
  }

  private writeCommonHeaders(request: IncomingMessage, response: ServerResponse): void {
    const incomingId = request.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const state = receiverState(request);
    state.requestId = requestId;
    state.clientSettings = this.settings;
    response.setHeader('X-Request-Id', requestId);
    applyCors(request, response, this.settings.allowedOrigins);
    applySecurityHeaders(response);
  }
}

function declaresBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (!!length && length !== '0');
}

function pathOf(url: string): string {
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

function writeEnvelope(response: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify(fail(message));
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}
