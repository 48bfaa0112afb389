import type { Redis } from 'ioredis';
import { REDIS_SCAN_COUNT } from './analytics-cache.constants';
import { globToRedisMatch } from './glob-pattern.util';
import type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';

/**
 * Store shared by every receiver instance. Pattern deletes use SCAN + UNLINK (never KEYS, which
 * blocks Redis on a big keyspace).
 */
export class RedisAnalyticsCacheStore implements AnalyticsCacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = '',
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.redis.get(this.keyPrefix + key);
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.keyPrefix + key, value, 'EX', ttlSeconds);
  }

  async deleteMatching(pattern: string): Promise<void> {
    const match = globToRedisMatch(this.keyPrefix + pattern);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', REDIS_SCAN_COUNT);
      if (keys.length > 0) await this.redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
