import type { Redis } from 'ioredis';
import type { RedisQueueKeys } from './redis-queue.keys';

/** How often a worker process says it is alive, and how long the word lasts. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const HEARTBEAT_TTL_MS = 20_000;

/** One live worker process as health shows it. */
export interface WorkerStatus {
  id: string;
  host: string;
  pid: number;
  kinds: string[];
  concurrency: number;
  startedAt: string;
  lastHeartbeat: string;
  /** Events written per second over the last heartbeat interval. */
  eventsPerSecond: number;
  /** Events written since the process started. */
  written: number;
}

/** Writes a worker process's heartbeat: a hash that expires unless renewed, indexed by time. */
export async function writeHeartbeat(
  client: Redis,
  keys: RedisQueueKeys,
  status: WorkerStatus,
): Promise<void> {
  const now = Date.now();
  await client
    .multi()
    .hset(keys.worker(status.id), {
      ...status,
      kinds: status.kinds.join(','),
    })
    .pexpire(keys.worker(status.id), HEARTBEAT_TTL_MS)
    .zadd(keys.workers(), now, status.id)
    .zremrangebyscore(keys.workers(), 0, now - HEARTBEAT_TTL_MS)
    .exec();
}

/** Removes a stopping worker's heartbeat at once (health then stops counting it). */
export async function clearHeartbeat(
  client: Redis,
  keys: RedisQueueKeys,
  id: string,
): Promise<void> {
  await client.multi().del(keys.worker(id)).zrem(keys.workers(), id).exec();
}

/** The worker processes whose heartbeat is still fresh. */
export async function liveWorkers(client: Redis, keys: RedisQueueKeys): Promise<WorkerStatus[]> {
  const ids = await client.zrangebyscore(keys.workers(), Date.now() - HEARTBEAT_TTL_MS, '+inf');
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hgetall(keys.worker(id));
  const replies = (await pipeline.exec()) ?? [];
  const workers: WorkerStatus[] = [];
  for (const [, hash] of replies) {
    const h = hash as Record<string, string> | null;
    if (!h || !h.id) continue;
    workers.push({
      id: h.id,
      host: h.host,
      pid: Number(h.pid),
      kinds: h.kinds ? h.kinds.split(',') : [],
      concurrency: Number(h.concurrency),
      startedAt: h.startedAt,
      lastHeartbeat: h.lastHeartbeat,
      eventsPerSecond: Number(h.eventsPerSecond),
      written: Number(h.written),
    });
  }
  return workers;
}
