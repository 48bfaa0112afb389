import { type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRedisClient, waitUntilReady } from '../common/redis/redis-client.factory';
import {
  ERROR_CACHE_INVALIDATOR,
  type ErrorCacheInvalidator,
} from './interfaces/error-cache-invalidator.interface';
import {
  ANALYTICS_CACHE_STORE,
  DEFAULT_MEMORY_MAX_ENTRIES,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
} from './analytics-cache.constants';
import { ANALYTICS_CACHE_MESSAGES } from './analytics-cache.messages';
import { ANALYTICS_CACHE_OPTIONS } from './analytics-cache.module-definition';
import { AnalyticsCachePrivacyOwner } from './analytics-cache.privacy-owner';
import { AnalyticsCache } from './analytics-cache.service';
import type { AnalyticsCacheOptions } from './interfaces/analytics-cache-options.interface';
import type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';
import { MemoryAnalyticsCacheStore } from './memory-analytics-cache.store';
import { RedisAnalyticsCacheStore } from './redis-analytics-cache.store';

/** Redis client the module created itself from a URL (and therefore closes on shutdown). */
export const ANALYTICS_CACHE_OWNED_REDIS = Symbol('ANALYTICS_CACHE_OWNED_REDIS');

export const analyticsCacheProviders: Provider[] = [
  {
    provide: ANALYTICS_CACHE_OWNED_REDIS,
    inject: [ANALYTICS_CACHE_OPTIONS],
    useFactory: async (options: AnalyticsCacheOptions): Promise<Redis | null> => {
      if (options.store || typeof options.redis !== 'string' || options.redis === '') return null;
      // A short command timeout keeps a hung Redis from holding analytics requests.
      const client = createRedisClient(options.redis, {
        commandTimeout: options.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
      });
      await waitUntilReady(client);
      return client;
    },
  },
  {
    provide: ANALYTICS_CACHE_STORE,
    inject: [ANALYTICS_CACHE_OPTIONS, ANALYTICS_CACHE_OWNED_REDIS],
    useFactory: (options: AnalyticsCacheOptions, owned: Redis | null): AnalyticsCacheStore => {
      if (options.store) return options.store;
      const client = owned ?? (typeof options.redis === 'object' ? options.redis : undefined);
      if (client) return new RedisAnalyticsCacheStore(client, options.keyPrefix ?? '');
      const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES;
      if (!Number.isInteger(maxEntries) || maxEntries < 1) {
        throw new Error(ANALYTICS_CACHE_MESSAGES.invalidOptions);
      }
      return new MemoryAnalyticsCacheStore(maxEntries);
    },
  },
  AnalyticsCache,
  AnalyticsCachePrivacyOwner,
  // The tracking pipeline invalidates error answers through this narrow interface.
  {
    provide: ERROR_CACHE_INVALIDATOR,
    inject: [AnalyticsCache],
    useFactory: (cache: AnalyticsCache): ErrorCacheInvalidator => ({
      invalidateErrors: (projectId, groupIds) =>
        groupIds?.length
          ? cache.invalidateErrorGroups(projectId, groupIds)
          : cache.invalidateErrors(projectId),
    }),
  },
];
