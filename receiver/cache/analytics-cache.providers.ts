import { Logger, type Provider } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  ANALYTICS_CACHE_STORE,
  DEFAULT_MEMORY_MAX_ENTRIES,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
} from './analytics-cache.constants';
import { ANALYTICS_CACHE_MESSAGES } from './analytics-cache.messages';
import { ANALYTICS_CACHE_OPTIONS } from './analytics-cache.module-definition';
import type { AnalyticsCacheOptions } from './interfaces/analytics-cache-options.interface';
import type { AnalyticsCacheStore } from './interfaces/analytics-cache-store.interface';
import { MemoryAnalyticsCacheStore } from './memory-analytics-cache.store';
import { RedisAnalyticsCacheStore } from './redis-analytics-cache.store';

/** Redis client the module created itself (and therefore closes on shutdown). */
export const ANALYTICS_CACHE_OWNED_REDIS = Symbol('ANALYTICS_CACHE_OWNED_REDIS');

const logger = new Logger('AnalyticsCache');

/**
 * A client tuned for fail-open: no offline queue and a short command timeout, so with Redis down
 * a cache read fails within milliseconds instead of holding the request until Redis returns.
 */
export function createCacheRedisClient(options: AnalyticsCacheOptions): Redis | undefined {
  const { redis } = options;
  if (!redis || redis instanceof Redis) return undefined;
  const tuning = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.redisCommandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  };
  const client =
    typeof redis === 'string' ? new Redis(redis, tuning) : new Redis({ ...redis, ...tuning });
  let reported = false;
  client.on('error', (error: unknown) => {
    // One line per outage, not one per reconnect attempt.
    if (!reported) logger.warn(ANALYTICS_CACHE_MESSAGES.redisUnavailable(error));
    reported = true;
  });
  client.on('ready', () => (reported = false));
  return client;
}

/** Longest start-up waits for the cache Redis before serving (it then fails open until it connects). */
const CONNECT_WAIT_MS = 1_000;

async function waitUntilReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_WAIT_MS);
    client.once('ready', done);
    client.once('error', done);
  });
}

export const analyticsCacheProviders: Provider[] = [
  {
    provide: ANALYTICS_CACHE_OWNED_REDIS,
    inject: [ANALYTICS_CACHE_OPTIONS],
    useFactory: async (options: AnalyticsCacheOptions) => {
      const client = createCacheRedisClient(options);
      if (!client) return null;
      await waitUntilReady(client);
      return client;
    },
  },
  {
    provide: ANALYTICS_CACHE_STORE,
    inject: [ANALYTICS_CACHE_OPTIONS, ANALYTICS_CACHE_OWNED_REDIS],
    useFactory: (options: AnalyticsCacheOptions, owned: Redis | null): AnalyticsCacheStore => {
      const client = owned ?? (options.redis instanceof Redis ? options.redis : undefined);
      if (client) return new RedisAnalyticsCacheStore(client, options.keyPrefix ?? '');
      const maxEntries = options.maxEntries ?? DEFAULT_MEMORY_MAX_ENTRIES;
      if (!Number.isInteger(maxEntries) || maxEntries < 1) {
        throw new Error(ANALYTICS_CACHE_MESSAGES.invalidOptions);
      }
      return new MemoryAnalyticsCacheStore(maxEntries);
    },
  },
];
