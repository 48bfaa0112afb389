import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthIndicatorRegistry } from '../../health/health-indicator.registry';
import { REDIS_QUEUE_RUNTIME } from '../ingest.constants';
import { RedisQueueHealthIndicator, WorkersHealthIndicator } from './redis-queue.health-indicator';
import type { RedisQueueRuntime } from './redis-queue.runtime';

/**
 * With `queue: 'redis'`: replaces the `queue` health check by the Redis one (and adds Micrologs'
 * `workers` check in production mode), starts the monitor and workers once every handler is
 * registered, and stops the workers — each finishing its batch — before shutdown.
 */
@Injectable()
export class RedisQueueLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  constructor(
    @Inject(REDIS_QUEUE_RUNTIME) private readonly runtime: RedisQueueRuntime | null,
    private readonly health: HealthIndicatorRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.runtime) return;
    this.health.register(new RedisQueueHealthIndicator(this.runtime));
    if (this.runtime.options.production) {
      this.health.register(new WorkersHealthIndicator(this.runtime));
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime?.stop();
  }
}
