import type { IncomingMessage, ServerResponse } from 'node:http';
import { Get, Inject, Req, Res } from '@nestjs/common';
import { ReceiverAuth } from '../common/auth/decorators/receiver-auth.decorator';
import { ReceiverController } from '../common/decorators/receiver-controller.decorator';
import {
  AuthenticationError,
  InvalidInputError,
  NotFoundError,
} from '../common/errors/receiver.errors';
import { RateLimit } from '../common/rate-limit/decorators/rate-limit.decorator';
import { nodeRequest, queryParam } from '../common/request/receiver-request';
import { ReceiverHttpException } from '../common/envelope/envelope';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { ApiEndpoint, ApiGroup } from '../openapi/api-docs.decorators';
import { parseChannels } from './realtime-channels';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeDocs } from './realtime.docs';
import { RealtimeHub } from './realtime.hub';
import { RealtimeMessages } from './realtime.messages';
import { SSE_CHECK_MS, watchSseStream } from './realtime-sse.liveness';

/**
 * The same channels as the WebSocket endpoint, as Server-Sent Events, for clients without
 * WebSocket (and `EventSource` in browsers, with a token in `?token=`). The response is taken over
 * from the framework (Fastify's `reply.hijack()`, Express's response as is) and written directly,
 * so the outbox sees the socket's real backlog (`writableLength`).
 */
@ApiGroup('realtime')
@ReceiverController('realtime')
export class RealtimeSseController {
  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly auth: RealtimeAuthenticator,
    private readonly hub: RealtimeHub,
  ) {}

  @Get('events')
  @RateLimit('_realtime_connect', 120)
  @ReceiverAuth('none')
  @ApiEndpoint(RealtimeDocs.events)
  async stream(@Req() request: unknown, @Res() reply: unknown): Promise<void> {
    if (!this.options.realtime.enabled) throw new NotFoundError(RealtimeMessages.disabled);
    const raw = nodeRequest(request);
    const channels = parseChannels(queryParam(request, 'channels'));
    if (!(channels instanceof Set)) {
      throw new InvalidInputError(RealtimeMessages.unknownChannel(channels.unknown));
    }
    if (!this.hub.hasRoom()) throw new ReceiverHttpException(503, RealtimeMessages.tooManyClients);
    const result = await this.auth.authenticate(raw);
    if ('refused' in result) {
      throw new AuthenticationError(
        result.refused === 'missing'
          ? RealtimeMessages.unauthorized
          : RealtimeMessages.invalidCredentials,
      );
    }
    const response = takeOver(reply);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'Access-Control-Allow-Origin': '*',
    });
    response.write(': connected\n\n');
    const { disconnect } = this.hub.connect(result.projectId, channels, {
      bufferedBytes: () => response.writableLength,
      send: (frame) => response.write(frame.eventStream),
      close: () => response.end(),
    });
    const unwatch = watchSseStream(response, SSE_CHECK_MS);
    const end = (): void => {
      unwatch();
      disconnect();
    };
    raw.on('close', end);
    response.on('close', end);
    response.on('error', end);
  }
}

/** The Node response behind the framework's, which stops managing it. */
function takeOver(reply: unknown): ServerResponse<IncomingMessage> {
  const fastify = reply as { raw?: ServerResponse; hijack?: () => void };
  if (fastify.raw && typeof fastify.hijack === 'function') {
    fastify.hijack();
    return fastify.raw;
  }
  return reply as ServerResponse;
}
