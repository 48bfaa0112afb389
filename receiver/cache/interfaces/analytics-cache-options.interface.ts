import type { Redis } from 'ioredis';
import type { AnalyticsCacheStore } from '../../config/receiver-extensions.interface';

/** Options of {@link AnalyticsCacheModule}. Without `store` or `redis` the cache lives in process memory. */
export interface AnalyticsCacheOptions {
  /** A store of the host application (`ReceiverModule`'s `analyticsCache.store`); wins over `redis`. */
  store?: AnalyticsCacheStore;
  /**
   * Redis shared by every receiver instance: a `redis://` URL (the module opens and closes the
   * client) or an existing ioredis client (left open). `ReceiverModule` passes its `redis` option
   * [`RECEIVER_REDIS_URL`].
   */
  redis?: string | Redis;
  /** Prefix put before every Redis key. `ReceiverModule` passes `redisPrefix` [`RECEIVER_REDIS_PREFIX`]. */
  keyPrefix?: string;
  /** Bound of the in-memory LRU store. Default 5 000 entries. */
  maxEntries?: number;
  /** Milliseconds after which a Redis command counts as failed (fail-open). Default 250. */
  redisCommandTimeoutMs?: number;
}
