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

/**
 * The dead letters of the Redis queue: list, inspect, retry (back into the kind's stream, with
 * its attempts reset) and drop. Plain data in and out; the controller maps it to HTTP.
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
    const job = fieldMap(fields).get('job') ?? '';
    await this.redis(() =>
      runtime.redis
        .multi()
        .xadd(runtime.keys.stream(k), '*', 'job', job, 'attempts', '0')
        .xdel(runtime.keys.deadLetters(k), id)
        .exec(),
    );
    await runtime.monitor.refresh();
    return toLetter(k, id, fields, false);
  }

  async drop(kind: string, id: string): Promise<DeadLetter> {
    const runtime = this.require();
    const k = this.kindOf(kind);
    const fields = await this.fields(k, id);
    await this.redis(() => runtime.redis.xdel(runtime.keys.deadLetters(k), id));
    await runtime.monitor.refresh();
    return toLetter(k, id, fields, false);
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
