import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const requireOptional = createRequire(__filename);

/**
 * Creates an ioredis client for the receiver. ioredis is an optional dependency: it is loaded
 * only when `redis` is configured, with an install hint otherwise. Commands fail fast while the
 * server is unreachable (no offline queue), so callers can fail open instead of hanging.
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  let IORedis: typeof import('ioredis').default;
  try {
    IORedis = (requireOptional('ioredis') as typeof import('ioredis')).default;
  } catch {
    throw new Error('ReceiverModule: the `redis` option needs the ioredis package: npm i ioredis');
  }
  const client = new IORedis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    ...overrides,
  });
  // Connection errors surface as failed commands (handled fail-open); avoid unhandled 'error'.
  client.on('error', () => undefined);
  return client;
}
