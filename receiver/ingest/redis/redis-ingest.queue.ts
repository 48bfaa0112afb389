import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ResolvedRedisQueueOptions } from '../../config/receiver-options.interface';
import { type RedisCircuit, redisCircuitOf } from '../../common/redis/redis-circuit';
import { newEventId } from '../event-id';
import { IngestUnavailableError } from '../ingest.errors';
import { IngestMessages } from '../ingest.messages';
import type { InlineIngestQueue } from '../inline-ingest.queue';
import type { IngestJob, IngestQueue, IngestQueueHealth } from '../interfaces/ingest.interfaces';
import { OutageLog } from '../../../lib/outage/outage.log';
import { entryFields, type RedisQueueKeys } from './redis-queue.keys';
import type { RedisQueueMonitor } from './redis-queue.monitor';

/** Which path accepted events take right now (health shows it). */
export type RedisQueueMode = 'redis' | 'inline-fallback';

/**
 * The Redis queue, producer side: an event is appended to its kind's stream (`XADD`) and the
 * request is answered once Redis replied — with `appendfsync always` that reply comes after the
 * AOF fsync, as durable as a database commit. Workers write the streams to the database in
 * batches.
 *
 * While Redis is away the event is committed inline through `fallback` (the same group commit
 * as the embedded default), so a 202 still means "kept"; when the database is away too, the
 * event is refused (503 with `Retry-After`). When a kind's backlog passes `maxBacklog` its events
 * are refused the same way rather than filling Redis' memory.
 */
export class RedisIngestQueue implements IngestQueue {
  readonly name = 'redis';
  private readonly outage: OutageLog;
  private readonly circuit: RedisCircuit;
  private closed = false;

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisQueueKeys,
    private readonly monitor: RedisQueueMonitor,
    private readonly fallback: InlineIngestQueue,
    private readonly options: ResolvedRedisQueueOptions,
  ) {
    this.outage = new OutageLog(
      new Logger('Ingest'),
      IngestMessages.redisAway,
      IngestMessages.redisBack,
    );
    this.circuit = redisCircuitOf(client);
  }

  get mode(): RedisQueueMode {
    return this.outage.active ? 'inline-fallback' : 'redis';
  }

  async enqueue<P>(kind: string, payload: P): Promise<void> {
    if (this.closed) throw new IngestUnavailableError(IngestMessages.closed);
    const depth = this.monitor.depth(kind) ?? 0;
    if (depth >= this.options.maxBacklog) {
      throw new IngestUnavailableError(
        IngestMessages.backlogFull(kind, depth, this.options.maxBacklog),
      );
    }
    const job: IngestJob<P> = { id: newEventId(), kind, payload };
    try {
      // Through the circuit: while Redis is down or hung, events go inline at once instead of
      // each waiting out the command timeout.
      await this.circuit.run((client) =>
        client.xadd(this.keys.stream(kind), '*', ...entryFields(job)),
      );
    } catch (error) {
      // Not known to be kept: commit it inline. Had Redis kept it after all (a reply lost to a
      // timeout), the worker's write of the same event id fails on the unique index and its
      // retry, marked redelivered, skips it.
      this.outage.down(error);
      return this.fallback.enqueueJob(job);
    }
    this.outage.up();
  }

  health(): IngestQueueHealth {
    const backlog = this.monitor.snapshot();
    const pending = Object.values(backlog).reduce((sum, kind) => sum + kind.depth, 0);
    if (this.mode === 'inline-fallback') {
      const inline = this.fallback.health();
      if (inline.status === 'fail') return inline;
      return { status: 'ok', message: IngestMessages.redisModeFallback, pending: inline.pending };
    }
    return { status: 'ok', message: IngestMessages.redisModeHealthy(pending), pending };
  }

  async drain(): Promise<void> {
    this.closed = true;
    this.monitor.stop();
    await this.fallback.drain();
  }
}
