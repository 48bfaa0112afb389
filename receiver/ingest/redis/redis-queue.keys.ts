import type { IngestJob } from '../interfaces/ingest.interfaces';

/** The consumer group every worker of every process reads through. */
export const INGEST_GROUP = 'ingest-workers';

/**
 * Where the Redis queue keeps things, under the receiver's `redisPrefix`: one stream per kind of
 * event (so workers can be given kinds and health can show each kind's backlog), one dead-letter
 * stream per kind, and the worker heartbeats.
 */
export class RedisQueueKeys {
  constructor(private readonly prefix: string) {}

  stream(kind: string): string {
    return `${this.prefix}ingest:${kind}`;
  }

  deadLetters(kind: string): string {
    return `${this.prefix}ingest:${kind}:dead`;
  }

  /** Sorted set: worker id → time of its last heartbeat (ms). */
  workers(): string {
    return `${this.prefix}ingest:workers`;
  }

  /** Hash of one worker's facts (host, pid, kinds, events/s), expiring with its heartbeat. */
  worker(id: string): string {
    return `${this.prefix}ingest:worker:${id}`;
  }
}

/** One stream entry as a worker holds it. */
export interface QueuedEntry {
  /** Stream entry id (`<ms>-<seq>`), the Redis-side identity of this delivery. */
  entryId: string;
  kind: string;
  /** The job; `undefined` for an entry that cannot be read (it goes to the dead letters). */
  job: IngestJob | undefined;
  /** The `job` field as stored (kept as it is in a dead letter). */
  raw: string;
  /** Failed writes so far (carried over when a failed event is re-queued). */
  attempts: number;
}

/** Stream entry fields of a job: the whole job (with its event id) as JSON, and its attempts. */
export function entryFields(job: IngestJob, attempts = 0): string[] {
  return ['job', JSON.stringify(job), 'attempts', String(attempts)];
}

/** Reads the fields written by {@link entryFields}. */
export function parseEntry(kind: string, entryId: string, fields: string[]): QueuedEntry {
  const values = fieldMap(fields);
  const raw = values.get('job') ?? JSON.stringify(Object.fromEntries(values));
  const attempts = Number(values.get('attempts') ?? 0) || 0;
  let job: IngestJob | undefined;
  try {
    const parsed = JSON.parse(raw) as IngestJob;
    const valid = parsed && typeof parsed === 'object' && typeof parsed.id === 'string';
    if (valid && parsed.kind === kind) job = parsed;
  } catch {
    job = undefined;
  }
  return { entryId, kind, job, raw, attempts };
}

/** A stream entry's flat `[field, value, …]` list as a map. */
export function fieldMap(fields: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
  return values;
}

/** Milliseconds since the epoch encoded in a stream entry id. */
export const entryTime = (entryId: string): number => Number(entryId.split('-')[0]);
