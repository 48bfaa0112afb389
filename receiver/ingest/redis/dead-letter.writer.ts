import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { IngestMessages } from '../ingest.messages';
import type { QueuedEntry, RedisQueueKeys } from './redis-queue.keys';

/** Adds an event that could not be written to its kind's dead-letter stream (inside a MULTI). */
export class DeadLetterWriter {
  private readonly logger = new Logger('Ingest');

  constructor(private readonly keys: RedisQueueKeys) {}

  add(
    multi: ReturnType<Redis['multi']>,
    entry: QueuedEntry,
    attempts: number,
    reason: string,
  ): void {
    multi.xadd(
      this.keys.deadLetters(entry.kind),
      '*',
      'job',
      entry.raw,
      'attempts',
      String(attempts),
      'error',
      reason,
      'entryId',
      entry.entryId,
      'failedAt',
      new Date().toISOString(),
    );
    this.logger.error(IngestMessages.deadLettered(entry.kind, entry.entryId, attempts, reason));
  }
}
