import type { Redis } from 'ioredis';
import { type RedisCircuit, redisCircuitOf } from '../common/redis/redis-circuit';
import { REDIS_SCAN_COUNT } from './analytics-cache.constants';
import { globToRedisMatch } from './glob-pattern.util';
import type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';

/**
 * Store shared by every receiver instance. Pattern deletes use SCAN + UNLINK (never KEYS, which
 * blocks Redis on a big keyspace). Every command goes through the client's circuit: while Redis
 * does not answer, the cache fails at once (the caller computes the answer) instead of waiting
 * out a timeout per command.
 */
export class RedisAnalyticsCacheStore implements AnalyticsCacheStore {
  private readonly circuit: RedisCircuit;

  constructor(
    redis: Redis,
    private readonly keyPrefix = '',
  ) {
    this.circuit = redisCircuitOf(redis);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.circuit.run((redis) => redis.get(this.keyPrefix + key));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.circuit.run((redis) => redis.set(this.keyPrefix + key, value, 'EX', ttlSeconds));
  }

  async deleteMatching(pattern: string): Promise<void> {
    const match = globToRedisMatch(this.keyPrefix + pattern);
    let cursor = '0';
    do {
      const [next, keys] = await this.circuit.run((redis) =>
        redis.scan(cursor, 'MATCH', match, 'COUNT', REDIS_SCAN_COUNT),
      );
      if (keys.length > 0) await this.circuit.run((redis) => redis.unlink(...keys));
      cursor = next;
    } while (cursor !== '0');
  }
}
