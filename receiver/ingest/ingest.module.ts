import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { RECEIVER_REDIS } from '../common/redis/redis.providers';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { ReceiverStats } from '../common/stats/receiver-stats';
import { RECEIVER_DATA_SOURCE } from '../storage/storage.constants';
import { IngestBatchProcessor } from './ingest-batch.processor';
import { IngestHandlerRegistry } from './ingest-handler.registry';
import { INGEST_OPTIONS, INGEST_QUEUE, REDIS_QUEUE_RUNTIME } from './ingest.constants';
import { IngestLifecycle } from './ingest.lifecycle';
import { InlineIngestQueue } from './inline-ingest.queue';
import { InlineIngestOptions } from './interfaces/ingest.interfaces';
import { inlineIngestOptionsFromEnv } from './inline-ingest.options';
import { meteredIngestQueue } from './metered-ingest.queue';
import { RedisQueueLifecycle } from './redis/redis-queue.lifecycle';
import { RedisQueueRuntime } from './redis/redis-queue.runtime';

/**
 * The ingestion queue. Feature modules import it, inject {@link INGEST_QUEUE} to enqueue and
 * {@link IngestHandlerRegistry} to register the handler of their job kind:
 *
 * ```ts
 * @Injectable()
 * export class ClickIngestHandler implements IngestHandler<ClickJob>, OnModuleInit {
 *   readonly kind = 'click';
 *   constructor(private readonly registry: IngestHandlerRegistry) {}
 *   onModuleInit() { this.registry.register(this); }
 *   async handle(jobs: ClickJob[], { manager, afterCommit }: IngestBatchContext) { ... }
 * }
 * // in a controller: await this.queue.enqueue('click', job); // resolves once committed
 * ```
 */
@Module({
  providers: [
    IngestHandlerRegistry,
    { provide: INGEST_OPTIONS, useFactory: () => inlineIngestOptionsFromEnv(process.env) },
    {
      provide: IngestBatchProcessor,
      inject: [RECEIVER_DATA_SOURCE, IngestHandlerRegistry, ReceiverStats],
      useFactory: (dataSource: DataSource, registry: IngestHandlerRegistry, stats: ReceiverStats) =>
        new IngestBatchProcessor(dataSource, registry, stats),
    },
    {
      provide: REDIS_QUEUE_RUNTIME,
      inject: [
        RECEIVER_OPTIONS,
        RECEIVER_REDIS,
        IngestHandlerRegistry,
        IngestBatchProcessor,
        INGEST_OPTIONS,
        RECEIVER_DATA_SOURCE,
      ],
      useFactory: (
        options: ResolvedReceiverOptions,
        redis: Redis | null,
        registry: IngestHandlerRegistry,
        processor: IngestBatchProcessor,
        inline: InlineIngestOptions,
        dataSource: DataSource,
      ) =>
        options.queue === 'redis' && redis
          ? new RedisQueueRuntime(options, redis, registry, processor, inline, dataSource)
          : null,
    },
    {
      // The host application's queue when it plugged one (`ingest.queue: (writer) => …`), else
      // the Redis queue with `ingest.queue: 'redis'`, else the inline one.
      provide: INGEST_QUEUE,
      inject: [
        IngestBatchProcessor,
        INGEST_OPTIONS,
        RECEIVER_OPTIONS,
        REDIS_QUEUE_RUNTIME,
        ReceiverStats,
      ],
      useFactory: (
        processor: IngestBatchProcessor,
        inline: InlineIngestOptions,
        options: ResolvedReceiverOptions,
        redis: RedisQueueRuntime | null,
        stats: ReceiverStats,
      ) =>
        meteredIngestQueue(
          options.ingestQueue?.(processor) ??
            redis?.queue ??
            new InlineIngestQueue(processor, inline),
          stats,
        ),
    },
    IngestLifecycle,
    RedisQueueLifecycle,
  ],
  exports: [INGEST_QUEUE, IngestHandlerRegistry, IngestBatchProcessor, REDIS_QUEUE_RUNTIME],
})
export class IngestModule {}
