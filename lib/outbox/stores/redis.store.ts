import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadPackage } from '../../packages/peer-packages';
import type {
  DeadLetter,
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../interfaces/telemetry-store.interface';

// Appends atomically: ids from one counter keep the order across replicas, and the trim to the
// bound happens in the same step so no replica ever sees more than the bound.
const APPEND_SCRIPT = `
local max = tonumber(ARGV[1])
for i = 2, #ARGV do
  local id = redis.call('INCR', KEYS[1])
  redis.call('HSET', KEYS[2], id, ARGV[i])
  redis.call('ZADD', KEYS[3], id, id)
end
local excess = redis.call('ZCARD', KEYS[3]) - max
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[3], excess)
  for i = 1, #dropped, 2 do redis.call('HDEL', KEYS[2], dropped[i]) end
  return excess
end
return 0`;

// Moves entries from the outbox to the dead letters in one step, trimmed to their bound likewise.
// KEYS: queue, entries, dead letters (hash), dead-letter order (zset); ARGV: max, then id, JSON pairs.
const SET_ASIDE_SCRIPT = `
local max = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[4], ARGV[i], ARGV[i])
end
local excess = redis.call('ZCARD', KEYS[4]) - max
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[4], excess)
  for i = 1, #dropped, 2 do redis.call('HDEL', KEYS[3], dropped[i]) end
  return excess
end
return 0`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Outbox shared by every replica of one host through Redis (`TELEMETRY_STORE=redis://…`). Keys
 * live under `telemetry:<host>:`; locks are `SET NX PX` leases released only by their owner.
 */
export class RedisTelemetryStore implements TelemetryStore {
  private readonly keys: Record<
    'seq' | 'entries' | 'queue' | 'dead' | 'deadQueue' | 'values',
    string
  >;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntries = 10_000,
    private readonly maxDeadLetters = 1_000,
  ) {
    this.keys = {
      seq: `${prefix}seq`,
      entries: `${prefix}entries`,
      queue: `${prefix}queue`,
      dead: `${prefix}dead`,
      deadQueue: `${prefix}deadqueue`,
      values: `${prefix}values`,
    };
  }

  /** Connects to `url` with ioredis (an optional dependency, loaded only when used). */
  static async connect(
    url: string,
    host: string,
    maxEntries?: number,
    maxDeadLetters?: number,
  ): Promise<RedisTelemetryStore> {
    const { Redis: RedisClient } = loadPackage<typeof import('ioredis')>(
      'ioredis',
      'A redis:// telemetry store',
    );
    // Fail fast rather than queue commands forever: callers log the error and try again later.
    const redis = new RedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 5_000 });
    redis.on('error', () => undefined);
    return new RedisTelemetryStore(redis, `telemetry:${host}:`, maxEntries, maxDeadLetters);
  }

  async append(entries: OutboxEntryInput[]): Promise<number> {
    if (entries.length === 0) return 0;
    const { seq, entries: hash, queue } = this.keys;
    const args = entries.map((entry) => JSON.stringify(entry));
    const dropped = await this.redis.eval(
      APPEND_SCRIPT,
      3,
      seq,
      hash,
      queue,
      this.maxEntries,
      ...args,
    );
    return Number(dropped);
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    const ids = await this.redis.zrange(this.keys.queue, 0, limit - 1);
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.keys.entries, ...ids);
    const result: OutboxEntry[] = [];
    rows.forEach((row, index) => {
      if (row !== null)
        result.push({ id: Number(ids[index]), ...(JSON.parse(row) as OutboxEntryInput) });
    });
    return result;
  }

  async acknowledge(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.keys.queue, ...ids.map(String))
      .hdel(this.keys.entries, ...ids.map(String))
      .exec();
  }

  size(): Promise<number> {
    return this.redis.zcard(this.keys.queue);
  }

  async setAside(letters: DeadLetter[]): Promise<number> {
    if (letters.length === 0) return 0;
    const { queue, entries, dead, deadQueue } = this.keys;
    const args = letters.flatMap((letter) => [String(letter.id), JSON.stringify(letter)]);
    const dropped = await this.redis.eval(
      SET_ASIDE_SCRIPT,
      4,
      queue,
      entries,
      dead,
      deadQueue,
      this.maxDeadLetters,
      ...args,
    );
    return Number(dropped);
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const ids = await this.redis.zrange(this.keys.deadQueue, 0, limit - 1);
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.keys.dead, ...ids);
    return rows.flatMap((row) => (row === null ? [] : [JSON.parse(row) as DeadLetter]));
  }

  deadLetterCount(): Promise<number> {
    return this.redis.zcard(this.keys.deadQueue);
  }

  async dropDeadLetters(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis
      .multi()
      .zrem(this.keys.deadQueue, ...ids.map(String))
      .hdel(this.keys.dead, ...ids.map(String))
      .exec();
  }

  async getValue<T = unknown>(key: string): Promise<T | undefined> {
    const raw = await this.redis.hget(this.keys.values, key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async setValue(key: string, value: unknown): Promise<void> {
    await this.setValues({ [key]: value });
  }

  async setValues(values: Record<string, unknown>): Promise<void> {
    const flat = Object.entries(values).flatMap(([key, value]) => [key, JSON.stringify(value)]);
    if (flat.length > 0) await this.redis.hset(this.keys.values, ...flat);
  }

  async deleteValue(key: string): Promise<void> {
    await this.redis.hdel(this.keys.values, key);
  }

  async acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomUUID();
    const taken = await this.redis.set(key, token, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
    if (taken !== 'OK') return undefined;
    return { release: async () => void (await this.redis.eval(RELEASE_SCRIPT, 1, key, token)) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
