import { Logger, type Provider } from '@nestjs/common';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import type { Redis } from 'ioredis';
import { RECEIVER_REDIS } from '../redis/redis.providers';
import type { RateLimitStorage } from '../../config/receiver-extensions.interface';
import { MemoryRateLimitStorage } from './storage/memory-rate-limit.storage';
import { RedisRateLimitStorage } from './storage/redis-rate-limit.storage';

/** Injection token of the {@link RateLimitStorage} in use. */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/**
 * The host application's storage when it plugged one (`rateLimit.storage`); else Redis (shared by
 * instances) when the `redis` option is set; else process memory.
 */
export const rateLimitStorageProvider: Provider = {
  provide: RATE_LIMIT_STORAGE,
  inject: [RECEIVER_OPTIONS, RECEIVER_REDIS],
  useFactory: (options: ResolvedReceiverOptions, redis: Redis | null): RateLimitStorage => {
    if (options.rateLimitStorage) return options.rateLimitStorage;
    if (!redis) return new MemoryRateLimitStorage();
    new Logger('ReceiverRateLimit').log('Rate limits are stored in Redis');
    return new RedisRateLimitStorage(redis, options.redisPrefix);
  },
};
