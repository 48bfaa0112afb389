import { Module } from '@nestjs/common';
import { LiveVisitorsTracker } from './live-visitors.tracker';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeFanout } from './realtime.fanout';
import { RealtimeHub } from './realtime.hub';
import { RealtimeSseController } from './realtime-sse.controller';
import { RealtimeTokensController } from './realtime-tokens.controller';
import { RealtimeTokensService } from './realtime-tokens.service';
import { RealtimeWebSocketServer } from './realtime-websocket.server';

/**
 * Realtime feeds (`realtime.enabled`): the WebSocket endpoint, the SSE stream, the token route,
 * and the fan-out that brings every process's committed events to them. Wired to the
 * committed-events bus and projects in `receiver.features.ts`. Other modules (alerts) inject
 * {@link RealtimeFanout} to publish alert firings.
 */
@Module({
  controllers: [RealtimeTokensController, RealtimeSseController],
  providers: [
    RealtimeTokensService,
    RealtimeAuthenticator,
    LiveVisitorsTracker,
    RealtimeHub,
    RealtimeFanout,
    RealtimeWebSocketServer,
  ],
  exports: [RealtimeFanout],
})
export class RealtimeModule {}
