import { BeforeApplicationShutdown, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorRegistry } from '../health/health-indicator.registry';
import { INGEST_QUEUE } from './ingest.constants';
import { IngestQueue } from './interfaces/ingest.interfaces';
import { QueueHealthIndicator } from './queue.health-indicator';

/**
 * Adds the `queue` health check, and drains the queue when the application shuts down (SIGTERM
 * with `enableShutdownHooks()`, or `app.close()`) before the data source is closed, so every
 * accepted event is written.
 */
@Injectable()
export class IngestLifecycle implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    @Inject(INGEST_QUEUE) private readonly queue: IngestQueue,
    private readonly health: HealthIndicatorRegistry,
  ) {}

  onModuleInit(): void {
    // The Redis queue registers its own, richer check (RedisQueueLifecycle).
    if (this.queue.name !== 'redis') this.health.register(new QueueHealthIndicator(this.queue));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.drain();
  }
}
