import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { createRedisClient } from '../../common/redis/redis-client.factory';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import type { IngestBatchProcessor } from '../ingest-batch.processor';
import type { IngestHandlerRegistry } from '../ingest-handler.registry';
import { InlineIngestQueue } from '../inline-ingest.queue';
import type { InlineIngestOptions } from '../interfaces/ingest.interfaces';
import { RedisIngestQueue } from './redis-ingest.queue';
import { RedisIngestWorkers } from './redis-ingest.workers';
import { RedisQueueKeys } from './redis-queue.keys';
import { RedisQueueMonitor } from './redis-queue.monitor';
import { createGroup } from './redis-ingest.worker';

/**
 * Everything `queue: 'redis'` runs in one process: the producer (with its own auto-pipelined
 * connection, so concurrent requests share round trips), the backlog monitor, the inline
 * fallback, and the workers when this process runs them.
 */
export class RedisQueueRuntime {
  readonly keys: RedisQueueKeys;
  readonly producer: Redis;
  readonly monitor: RedisQueueMonitor;
  readonly queue: RedisIngestQueue;
  readonly workers: RedisIngestWorkers | undefined;

  constructor(
    readonly options: ResolvedReceiverOptions,
    /** The receiver's shared client (monitor, heartbeats, admin). */
    readonly redis: Redis,
    private readonly registry: IngestHandlerRegistry,
    processor: IngestBatchProcessor,
    inline: InlineIngestOptions,
    dataSource: DataSource,
  ) {
    this.keys = new RedisQueueKeys(options.redisPrefix);
    this.producer = createRedisClient(options.redis!, {
      enableAutoPipelining: true,
      // While disconnected, fail at once (the event is committed inline) instead of queueing.
      enableOfflineQueue: false,
      commandTimeout: options.redisCommandTimeoutMs,
      connectionName: 'ingest-producer',
    });
    this.monitor = new RedisQueueMonitor(redis, this.keys);
    this.queue = new RedisIngestQueue(
      this.producer,
      this.keys,
      this.monitor,
      new InlineIngestQueue(processor, inline),
      options.redisQueue,
    );
    this.workers = options.redisQueue.workers
      ? new RedisIngestWorkers(options, redis, this.keys, registry, processor, dataSource)
      : undefined;
  }

  /** The kinds with a handler: one stream each. */
  kinds(): string[] {
    return this.registry.kinds();
  }

  async start(): Promise<void> {
    // The group exists before the first event, whichever process starts first.
    await Promise.all(
      this.kinds().map((kind) => createGroup(this.redis, this.keys.stream(kind))),
    ).catch(() => undefined); // Redis away at start: workers create the groups when it answers
    this.monitor.start(this.kinds());
    this.workers?.start();
  }

  async stop(): Promise<void> {
    await this.workers?.stop();
    this.monitor.stop();
    this.producer.disconnect();
  }
}
