import type { Redis, RedisOptions } from 'ioredis';
import { loadPackage } from '../../../lib/packages/peer-packages';

/**
 * Creates an ioredis client for the receiver. ioredis is an optional dependency: it is loaded
 * only when `redis` is configured, with an install hint otherwise. Commands are bounded in time
 * (`commandTimeout`, one retry) so callers can fail open instead of hanging; callers on the
 * request path send them through the client's circuit (`redisCircuitOf`).
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  const IORedis = loadPackage<typeof import('ioredis')>(
    'ioredis',
    "ReceiverModule's redis option",
  ).default;
  const client = new IORedis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
    ...overrides,
  });
  // Connection errors surface as failed commands (handled fail-open); avoid unhandled 'error'.
  client.on('error', () => undefined);
  return client;
}

/**
 * Waits until `client` is connected, at most `limitMs` (start-up then goes on; the receiver skips
 * Redis until it connects). Commands sent before are then not lost to a not-yet-ready client.
 */
export async function waitUntilReady(client: Redis, limitMs = 1_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, limitMs);
    client.once('ready', done);
    client.once('error', done);
  });
}
