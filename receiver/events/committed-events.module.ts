import { Module } from '@nestjs/common';
import { CommittedEventsBus } from './committed-events.bus';

/**
 * The committed-events bus, one per receiver: ingest handlers publish into it after commit,
 * realtime and alerts subscribe. Wired in `receiver.features.ts`.
 */
@Module({
  providers: [CommittedEventsBus],
  exports: [CommittedEventsBus],
})
export class CommittedEventsModule {}
