import { Logger, type Provider } from '@nestjs/common';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import type { Redis } from 'ioredis';
import { RECEIVER_REDIS } from '../redis/redis.constants';
import { RATE_LIMIT_STORAGE } from './rate-limit.constants';
import type { RateLimitStorage } from './rate-limit.storage';
import { MemoryRateLimitStorage } from './storage/memory-rate-limit.storage';
import { RedisRateLimitStorage } from './storage/redis-rate-limit.storage';

/** Memory storage by default; Redis (shared by instances) when the `redis` option is set. */
export const rateLimitStorageProvider: Provider = {
  provide: RATE_LIMIT_STORAGE,
  inject: [RECEIVER_OPTIONS, RECEIVER_REDIS],
  useFactory: (options: ResolvedReceiverOptions, redis: Redis | null): RateLimitStorage => {
    if (!redis) return new MemoryRateLimitStorage();
    new Logger('ReceiverRateLimit').log('Rate limits are stored in Redis');
    return new RedisRateLimitStorage(redis, options.redisPrefix);
  },
};
