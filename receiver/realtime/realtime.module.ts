import { Module } from '@nestjs/common';
import { LiveVisitorsTracker } from './live-visitors.tracker';
import { RealtimeAuthenticator } from './realtime.authenticator';
import { RealtimeFanout } from './realtime.fanout';
import { RealtimeHub } from './realtime.hub';
import { RealtimeSseController } from './realtime-sse.controller';
import { RealtimeTokensController } from './realtime-tokens.controller';
import { RealtimeTokensService } from './realtime-tokens.service';

/**
 * Realtime feeds (`realtime.enabled`): the SSE stream, the token route, and the fan-out that
 * brings every process's committed events to them and to the WebSocket gateway. Wired to the
 * committed-events bus and projects in `receiver.features.ts`, which also adds the gateway (one
 * class per receiver: `realtimeGatewayProvider`). Other modules (alerts) inject
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
  ],
  exports: [RealtimeFanout],
})
export class RealtimeModule {}
