import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { requestPath } from '../request/receiver-request';
import type { ReceiverFrontDoor } from './receiver-front-door';
import { routePattern } from './receiver-route.table';

type Next = (error?: unknown) => void;

type Handler = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;

/** A layer of Express's router stack; route layers carry the route and its path. */
interface ExpressLayer {
  route?: { path?: unknown };
  handle: Handler;
}

interface ExpressLike {
  use(handler: (req: IncomingMessage, res: ServerResponse, next: Next) => void): unknown;
  router?: { stack: unknown[] };
  _router?: { stack: unknown[] };
}

interface HttpServerLike {
  prependListener(event: 'request', listener: (request: IncomingMessage) => void): unknown;
}

interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (
      request: { raw: IncomingMessage; is404: boolean },
      reply: { raw: ServerResponse; hijack(): void },
    ) => Promise<void>,
  ): unknown;
}

/**
 * Mounts the front door ahead of everything else on the underlying server. On Express it is
 * moved to the head of the middleware stack, in front of Nest's body parsers (which would
 * otherwise consume JSON bodies with their own limit and error shapes). On Fastify an
 * `onRequest` hook reads the body first; the request then looks bodiless to Fastify, so no
 * content-type parser (415, its own 413 or empty-JSON errors) ever runs on receiver routes.
 * Fastify has routed the request before `onRequest`, so the same hook answers unknown paths under
 * the prefix (404 in the envelope); on Express that is {@link installNotFound}'s job.
 */
export function installFrontDoor(adapter: AbstractHttpAdapter, frontDoor: ReceiverFrontDoor): void {
  // Ahead of the framework's own listener: Fastify decodes the path when it routes, before any
  // hook, and refuses a malformed one in its own shape.
  (adapter.getHttpServer() as HttpServerLike | undefined)?.prependListener('request', (request) =>
    frontDoor.normalizePath(request),
  );
  const instance = adapter.getInstance<unknown>();
  if (adapter.getType() === 'fastify') {
    (instance as FastifyLike).addHook('onRequest', async (request, reply) => {
      const path = requestPath(request.raw);
      const covered = frontDoor.covers(path);
      if (covered && (await frontDoor.handle(request.raw, reply.raw, path))) {
        reply.hijack();
        return;
      }
      if (request.is404 && frontDoor.ownsUnknown(path)) {
        frontDoor.notFound(request.raw, reply.raw);
        reply.hijack();
        return;
      }
      if (!covered) return;
      const headers = request.raw.headers;
      delete headers['transfer-encoding'];
      delete headers['content-type'];
      headers['content-length'] = '0';
    });
    return;
  }
  const express = instance as ExpressLike;
  express.use((req, res, next) => {
    const path = requestPath(req);
    if (!frontDoor.covers(path)) return next();
    frontDoor.handle(req, res, path).then(
      (handled) => (handled ? undefined : next()),
      (error: unknown) => next(error),
    );
  });
  const stack = (express.router ?? express._router)?.stack;
  if (stack && stack.length > 1) stack.unshift(stack.pop());
}

/**
 * Express only: makes the receiver's routes match case-sensitively, as on Fastify, and answers
 * requests no route took under the receiver's prefix with the envelope's 404 instead of Nest's
 * `{statusCode, message, error}`. Must run after Nest registered the routes and before it adds its
 * own not-found handler: `onModuleInit` is that moment.
 */
export function installNotFound(adapter: AbstractHttpAdapter, frontDoor: ReceiverFrontDoor): void {
  if (adapter.getType() === 'fastify') return;
  const express = adapter.getInstance<ExpressLike>();
  matchReceiverRoutesCaseSensitively(express, frontDoor);
  express.use((req, res, next) => {
    if (!frontDoor.ownsUnknown(requestPath(req))) return next();
    frontDoor.notFound(req, res);
  });
}

/**
 * Express only: its router matches paths case-insensitively (Fastify, like the original's PHP
 * files, case-sensitively: contract 1.1), so `/R/<code>` or `/api/track/PAGEVIEW.php` reached a
 * receiver route on Express alone. Each receiver route's layer now passes a request whose path
 * differs from the route in case on to the next layer, where it meets what Fastify gives it:
 * the envelope's 404 under the prefix, the application's own 404 elsewhere.
 */
function matchReceiverRoutesCaseSensitively(express: ExpressLike, frontDoor: ReceiverFrontDoor) {
  const stack = ((express.router ?? express._router)?.stack ?? []) as ExpressLayer[];
  for (const layer of stack) {
    const path = layer.route?.path;
    if (typeof path !== 'string' || !frontDoor.isReceiverRoute(path)) continue;
    const pattern = routePattern(path);
    const handle = layer.handle;
    // Three parameters, as Express tells request handlers from error handlers by arity.
    layer.handle = (req, res, next) =>
      pattern.test(requestPath(req)) ? handle(req, res, next) : next();
  }
}
