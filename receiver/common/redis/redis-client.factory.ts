import type { Redis, RedisOptions } from 'ioredis';
import { loadPackage } from '../../../lib/packages/peer-packages';

/**
 * Creates an ioredis client for the receiver. ioredis is an optional dependency: it is loaded
 * only when `redis` is configured, with an install hint otherwise. Commands are bounded in time
 * (`commandTimeout`, one retry) so callers can fail open instead of hanging; see also
 * {@link isRedisUnavailable}.
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
 * True while the client has lost its server (reconnecting or closed): callers skip Redis at once
 * instead of queueing. A client still making its first connection is not "unavailable" — its
 * commands wait in the offline queue for the connection.
 */
export function isRedisUnavailable(client: Redis): boolean {
  return client.status === 'reconnecting' || client.status === 'end' || client.status === 'close';
}
