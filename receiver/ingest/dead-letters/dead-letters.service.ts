import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidInputError,
  NotFoundError,
  ReceiverError,
} from '../../common/errors/receiver.errors';
import { DEFAULT_RETRY_AFTER_SECONDS, REDIS_QUEUE_RUNTIME } from '../ingest.constants';
import { fieldMap } from '../redis/redis-queue.keys';
import type { RedisQueueRuntime } from '../redis/redis-queue.runtime';
import { DeadLettersMessages } from './dead-letters.messages';

/** One dead letter as the admin API shows it. */
export interface DeadLetter {
  kind: string;
  /** Id of the dead letter (its entry in the dead-letter stream). */
  id: string;
  /** The event id given at accept time. */
  event_id: string | null;
  attempts: number;
  error: string;
  failed_at: string;
  /** The job as it was queued (`{id, kind, payload}`), or its raw text when it is not JSON. */
  job?: unknown;
}

const ENTRY_ID = /^\d+-\d+$/;
/** Letters per MULTI of a bulk retry or drop. */
const LETTERS_PER_CHUNK = 500;

/**
 * The dead letters of the Redis queue: list, inspect, retry (back into the kind's stream, with
 * its attempts reset) and drop, one letter or all of a kind. Plain data in and out; the
 * controller maps it to HTTP.
 */
@Injectable()
export class DeadLettersService {
  constructor(@Inject(REDIS_QUEUE_RUNTIME) private readonly runtime: RedisQueueRuntime | null) {}

  async list(
    kind: string | undefined,
    limit: number,
  ): Promise<{ counts: Record<string, number>; letters: DeadLetter[] }> {
    const runtime = this.require();
    const kinds = kind ? [this.kindOf(kind)] : runtime.kinds();
    const counts: Record<string, number> = {};
    const letters: DeadLetter[] = [];
    await this.redis(async () => {
      for (const k of kinds) {
        const key = runtime.keys.deadLetters(k);
        counts[k] = await runtime.redis.xlen(key);
        const entries = await runtime.redis.xrevrange(key, '+', '-', 'COUNT', limit);
        letters.push(...entries.map(([id, fields]) => toLetter(k, id, fields, false)));
      }
    });
    letters.sort((a, b) => (a.failed_at < b.failed_at ? 1 : -1));
    return { counts, letters: letters.slice(0, limit) };
  }

  async get(kind: string, id: string): Promise<DeadLetter> {
    const k = this.kindOf(kind);
    const fields = await this.fields(k, id);
    return toLetter(k, id, fields, true);
  }

  /** Puts the event back at the end of its kind's stream (attempts 0) and removes the letter. */
  async retry(kind: string, id: string): Promise<DeadLetter> {
    const runtime = this.require();
    const k = this.kindOf(kind);
    const fields = await this.fields(k, id);
    await this.redis(() => this.requeue(k, [id], [fieldMap(fields).get('job') ?? '']));
    await runtime.monitor.refresh();
    return toLetter(k, id, fields, false);
  }

  async drop(kind: string, id: string): Promise<DeadLetter> {
    const runtime = this.require();
    const k = this.kindOf(kind);
    const fields = await this.fields(k, id);
    await this.redis(() => this.remove(k, [id]));
    await runtime.monitor.refresh();
    return toLetter(k, id, fields, false);
  }

  /**
   * Queues every dead letter of `kind` again (after the cause was fixed), as {@link retry} does
   * for one; returns how many. Letters added while it runs (one failing again) are left for the
   * next call: it stops at the newest letter it saw first.
   */
  async retryAll(kind: string): Promise<number> {
    const k = this.kindOf(kind);
    return this.eachChunk(k, (ids, jobs) => this.requeue(k, ids, jobs));
  }

  /** Drops every dead letter of `kind` for good (those added meanwhile stay); returns how many. */
  async dropAll(kind: string): Promise<number> {
    const k = this.kindOf(kind);
    return this.eachChunk(k, (ids) => this.remove(k, ids));
  }

  /** Appends `jobs` to their kind's stream (attempts 0) and removes their letters, in one MULTI. */
  private requeue(kind: string, ids: string[], jobs: string[]): Promise<unknown> {
    const { redis, keys } = this.require();
    const multi = redis.multi();
    for (const job of jobs) multi.xadd(keys.stream(kind), '*', 'job', job, 'attempts', '0');
    return multi.xdel(keys.deadLetters(kind), ...ids).exec();
  }

  private remove(kind: string, ids: string[]): Promise<number> {
    const { redis, keys } = this.require();
    return redis.xdel(keys.deadLetters(kind), ...ids);
  }

  /**
   * Walks the dead letters of `kind` present when it starts, oldest first, a chunk at a time;
   * `work` removes the chunk's letters in one command or MULTI (a chunk is handled whole or not
   * at all, so a Redis failure midway loses or doubles nothing). Returns how many it handled.
   */
  private async eachChunk(
    kind: string,
    work: (ids: string[], jobs: string[]) => Promise<unknown>,
  ): Promise<number> {
    const runtime = this.require();
    const key = runtime.keys.deadLetters(kind);
    let handled = 0;
    await this.redis(async () => {
      const [newest] = await runtime.redis.xrevrange(key, '+', '-', 'COUNT', 1);
      // From after the last chunk's last id (exclusive ranges need Redis 6.2, as XAUTOCLAIM does).
      for (let from = '-'; newest;) {
        const entries = await runtime.redis.xrange(
          key,
          from,
          newest[0],
          'COUNT',
          LETTERS_PER_CHUNK,
        );
        if (entries.length === 0) break;
        const ids = entries.map(([id]) => id);
        await work(
          ids,
          entries.map(([, fields]) => fieldMap(fields).get('job') ?? ''),
        );
        handled += ids.length;
        from = `(${ids[ids.length - 1]}`;
      }
    });
    await runtime.monitor.refresh();
    return handled;
  }

  private async fields(kind: string, id: string): Promise<string[]> {
    const runtime = this.require();
    if (!ENTRY_ID.test(id)) throw new InvalidInputError(DeadLettersMessages.badId);
    const entries = await this.redis(() =>
      runtime.redis.xrange(runtime.keys.deadLetters(kind), id, id),
    );
    if (entries.length === 0) throw new NotFoundError(DeadLettersMessages.notFound);
    return entries[0][1];
  }

  private require(): RedisQueueRuntime {
    if (!this.runtime) throw new NotFoundError(DeadLettersMessages.noRedisQueue);
    return this.runtime;
  }

  private kindOf(kind: string): string {
    if (!this.require().kinds().includes(kind)) {
      throw new NotFoundError(DeadLettersMessages.unknownKind(kind));
    }
    return kind;
  }

  private async redis<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ReceiverError) throw error;
      throw new ReceiverError(
        'unavailable',
        DeadLettersMessages.redisDown,
        DEFAULT_RETRY_AFTER_SECONDS,
      );
    }
  }
}

function toLetter(kind: string, id: string, fields: string[], withJob: boolean): DeadLetter {
  const values = fieldMap(fields);
  const raw = values.get('job') ?? '';
  let job: unknown = raw;
  try {
    job = JSON.parse(raw);
  } catch {
    // kept as text: an unreadable entry is shown as it was
  }
  const eventId = (job as { id?: unknown } | null)?.id;
  return {
    kind,
    id,
    event_id: typeof eventId === 'string' ? eventId : null,
    attempts: Number(values.get('attempts') ?? 0),
    error: values.get('error') ?? '',
    failed_at: values.get('failedAt') ?? '',
    ...(withJob ? { job } : {}),
  };
}
