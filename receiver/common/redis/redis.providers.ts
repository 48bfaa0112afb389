import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import { createRedisClient, waitUntilReady } from './redis-client.factory';

/**
 * Injection token of the receiver's shared ioredis client, or `null` when no `redis` option is
 * set. Feature modules use it for cache and locks (BullMQ needs connections of its own).
 */
export const RECEIVER_REDIS = Symbol('RECEIVER_REDIS');

export const receiverRedisProvider: Provider = {
  provide: RECEIVER_REDIS,
  inject: [RECEIVER_OPTIONS],
  useFactory: async (options: ResolvedReceiverOptions): Promise<Redis | null> => {
    if (!options.redis) return null;
    // Every use (cache, rate limits, health, queue monitor) is bounded by one command timeout.
    const client = createRedisClient(options.redis, {
      commandTimeout: options.redisCommandTimeoutMs,
    });
    await waitUntilReady(client);
    return client;
  },
};

/** Disconnects the shared client when the application shuts down. */
@Injectable()
export class ReceiverRedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(RECEIVER_REDIS) private readonly client: Redis | null) {}

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}
