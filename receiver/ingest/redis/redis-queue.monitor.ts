import type { Redis } from 'ioredis';
import { redisCircuitOf } from '../../common/redis/redis-circuit';
import { entryTime, type RedisQueueKeys } from './redis-queue.keys';

/** One kind's stream as health shows it. */
export interface KindBacklog {
  /** Events in the stream: waiting, plus taken by a worker and not yet acknowledged. */
  depth: number;
  /** Age of the oldest of them in seconds (0 when empty). */
  oldestAgeSeconds: number;
  deadLetters: number;
}

/** What the Redis server says about its persistence. */
export interface RedisPersistence {
  aof: boolean;
  /** `always`, `everysec`, `no`, or `unknown` when CONFIG is not allowed (managed Redis). */
  fsync: string;
}

const REFRESH_MS = 1_000;
const PERSISTENCE_REFRESH_MS = 30_000;

/**
 * Reads each kind's backlog from Redis once a second (one pipeline), so the request path decides
 * "backlog over the limit" from memory and health answers without waiting on Redis. Acknowledged
 * entries are deleted from the stream, so a stream's length is its backlog.
 */
export class RedisQueueMonitor {
  private backlog = new Map<string, KindBacklog>();
  private persistenceValue: RedisPersistence | undefined;
  private persistenceAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private kinds: string[] = [];

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisQueueKeys,
  ) {}

  start(kinds: string[]): void {
    this.kinds = kinds;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last backlog read of `kind`, `undefined` before the first read or while Redis is away. */
  depth(kind: string): number | undefined {
    return this.backlog.get(kind)?.depth;
  }

  snapshot(): Record<string, KindBacklog> {
    return Object.fromEntries(this.kinds.map((kind) => [kind, this.backlog.get(kind) ?? none()]));
  }

  persistence(): RedisPersistence | undefined {
    return this.persistenceValue;
  }

  /** Reads every kind now (also used by tests and the admin endpoint after a change). */
  async refresh(): Promise<void> {
    try {
      // Through the circuit: a hung Redis costs one command timeout, then is skipped a while.
      const replies =
        (await redisCircuitOf(this.client).run((client) => {
          const pipeline = client.pipeline();
          for (const kind of this.kinds) {
            pipeline.xlen(this.keys.stream(kind));
            pipeline.xrange(this.keys.stream(kind), '-', '+', 'COUNT', 1);
            pipeline.xlen(this.keys.deadLetters(kind));
          }
          return pipeline.exec();
        })) ?? [];
      const now = Date.now();
      this.kinds.forEach((kind, i) => {
        const [depth, first, dead] = replies.slice(i * 3, i * 3 + 3).map((reply) => reply[1]);
        const oldest = (first as [string, string[]][] | undefined)?.[0]?.[0];
        this.backlog.set(kind, {
          depth: Number(depth ?? 0),
          oldestAgeSeconds: oldest ? Math.max(0, Math.round((now - entryTime(oldest)) / 1000)) : 0,
          deadLetters: Number(dead ?? 0),
        });
      });
      if (now - this.persistenceAt >= PERSISTENCE_REFRESH_MS) {
        this.persistenceAt = now;
        this.persistenceValue = await this.readPersistence();
      }
    } catch {
      this.backlog.clear(); // unknown while Redis does not answer; the queue falls back meanwhile
    }
  }

  private async readPersistence(): Promise<RedisPersistence> {
    const info = await this.client.info('persistence');
    const aof = /^aof_enabled:1\s*$/m.test(info);
    let fsync = 'unknown';
    try {
      const reply = (await this.client.config('GET', 'appendfsync')) as string[];
      fsync = reply[1] ?? 'unknown';
    } catch {
      // CONFIG is often renamed or refused on managed Redis: INFO alone tells whether AOF is on.
    }
    return { aof, fsync };
  }
}

const none = (): KindBacklog => ({ depth: 0, oldestAgeSeconds: 0, deadLetters: 0 });
