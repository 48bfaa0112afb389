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
      request: { raw: IncomingMessage },
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
 */
export function installFrontDoor(adapter: AbstractHttpAdapter, frontDoor: ReceiverFrontDoor): void {
  const instance = adapter.getInstance<unknown>();
  if (adapter.getType() === 'fastify') {
    (instance as FastifyLike).addHook('onRequest', async (request, reply) => {
      const path = requestPath(request.raw);
      if (!frontDoor.covers(path)) return;
      if (await frontDoor.handle(request.raw, reply.raw, path)) {
        reply.hijack();
        return;
      }
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
