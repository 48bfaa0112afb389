import type { Redis, RedisOptions } from 'ioredis';

/** Options of {@link AnalyticsCacheModule}. Without `redis` the cache lives in process memory. */
export interface AnalyticsCacheOptions {
  /**
   * Redis to share the cache between receiver instances: a `redis://` URL, ioredis options, or an
   * existing client (which the module then does not close). Env: `RECEIVER_REDIS_URL`.
   */
  redis?: string | RedisOptions | Redis;
  /** Prefix put before every Redis key (e.g. to share one Redis database). Default `""`. */
  keyPrefix?: string;
  /** Bound of the in-memory LRU store. Default 5 000 entries. */
  maxEntries?: number;
  /** Milliseconds after which a Redis command counts as failed (fail-open). Default 250. */
  redisCommandTimeoutMs?: number;
}
