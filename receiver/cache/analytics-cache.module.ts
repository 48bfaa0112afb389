import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { ConfigurableAnalyticsCacheModule } from './analytics-cache.module-definition';
import { ANALYTICS_CACHE_OWNED_REDIS, analyticsCacheProviders } from './analytics-cache.providers';
import { AnalyticsCache } from './analytics-cache.service';
import { ANALYTICS_CACHE_STORE } from './analytics-cache.constants';
import { ERROR_CACHE_INVALIDATOR } from './interfaces/error-cache-invalidator.interface';

/**
 * Provides {@link AnalyticsCache}: in-memory bounded LRU by default, Redis when `redis` is given.
 *
 * ```ts
 * AnalyticsCacheModule.forRoot({ redis: process.env.RECEIVER_REDIS_URL })
 * ```
 */
@Module({
  providers: analyticsCacheProviders,
  exports: [AnalyticsCache, ANALYTICS_CACHE_STORE, ERROR_CACHE_INVALIDATOR],
})
export class AnalyticsCacheModule
  extends ConfigurableAnalyticsCacheModule
  implements OnApplicationShutdown
{
  constructor(@Inject(ANALYTICS_CACHE_OWNED_REDIS) private readonly ownedRedis: Redis | null) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.ownedRedis) return;
    // quit() waits for Redis; when it is down, disconnect() is the only way to stop reconnecting.
    if (this.ownedRedis.status === 'ready') await this.ownedRedis.quit().catch(() => undefined);
    else this.ownedRedis.disconnect();
  }
}
