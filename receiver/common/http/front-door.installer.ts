import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { requestPath } from '../request/receiver-request';
import type { ReceiverFrontDoor } from './receiver-front-door';

type Next = (error?: unknown) => void;

interface ExpressLike {
  use(handler: (req: IncomingMessage, res: ServerResponse, next: Next) => void): unknown;
  router?: { stack: unknown[] };
  _router?: { stack: unknown[] };
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
 * Express only: answers requests no route took under the receiver's prefix with the envelope's
 * 404 instead of Nest's `{statusCode, message, error}`. Must run after Nest registered the routes
 * and before it adds its own not-found handler: `onModuleInit` is that moment.
 */
export function installNotFound(adapter: AbstractHttpAdapter, frontDoor: ReceiverFrontDoor): void {
  if (adapter.getType() === 'fastify') return;
  adapter.getInstance<ExpressLike>().use((req, res, next) => {
    if (!frontDoor.ownsUnknown(requestPath(req))) return next();
    frontDoor.notFound(req, res);
  });
}
