import type { Redis } from 'ioredis';
import type { ResolvedRedisQueueOptions } from '../../config/receiver-options.interface';
import type { IngestBatchProcessor } from '../ingest-batch.processor';
import type { IngestJob } from '../interfaces/ingest.interfaces';
import {
  INGEST_GROUP,
  parseEntry,
  type QueuedEntry,
  type RedisQueueKeys,
} from './redis-queue.keys';
import { DeadLetterWriter } from './dead-letter.writer';
import type { OutageLog } from '../../../lib/outage/outage.log';
import { Backoff } from '../../common/scheduling/backoff';
import type { StorageOutageMonitor } from '../../storage/storage-outage.monitor';

/** How long one `XREADGROUP` waits for events (a stop request is honoured within this time). */
export const WORKER_BLOCK_MS = 1_000;

/** What one worker loop needs from its process. */
export interface WorkerLoopContext {
  /** A connection of this loop's own: `XREADGROUP BLOCK` holds it while waiting. */
  client: Redis;
  keys: RedisQueueKeys;
  kinds: string[];
  processor: IngestBatchProcessor;
  options: ResolvedRedisQueueOptions;
  /** Resolves true when the database answers a trivial query. */
  databaseAnswers(): Promise<boolean>;
  redisOutage: OutageLog;
  /**
   * The data source's one storage outage monitor: the process logs a database outage once,
   * whether its requests, its worker loops or its timers meet it (one line each way).
   */
  storageOutage: Pick<StorageOutageMonitor, 'failed' | 'succeeded'>;
  /** Counts written events (heartbeat's events/s). */
  written(count: number): void;
}

/**
 * One worker loop: takes a batch from the kinds' streams through the consumer group, writes it
 * with the ingest batch processor (one transaction) and acknowledges it. Entries left by a worker
 * that went silent (killed, hung) for `claimIdleMs` are taken over first (`XAUTOCLAIM`). A batch
 * is acknowledged only after its transaction committed, so a crash at any point leaves the
 * events in Redis for another worker; the event ids make a second write of a committed event a
 * no-op. An event that fails alone is re-queued with its attempt count, and moves to the kind's
 * dead letters after `maxAttempts`; a batch that fails because the database is down is held and
 * retried (not counted against its events).
 */
export class RedisIngestWorker {
  private stopping = false;
  private groupsReady = false;
  private nextClaimAt = 0;
  private readonly backoff = new Backoff();
  private readonly deadLetters: DeadLetterWriter;

  constructor(
    private readonly consumer: string,
    private readonly context: WorkerLoopContext,
  ) {
    this.deadLetters = new DeadLetterWriter(context.keys);
  }

  /** Runs until {@link stop}; resolves after the batch in hand was written and acknowledged. */
  async run(): Promise<void> {
    const { redisOutage } = this.context;
    while (!this.stopping) {
      let entries: QueuedEntry[];
      try {
        await this.ensureGroups();
        entries = (await this.claimAbandoned()) ?? (await this.readNew());
        redisOutage.up();
        this.backoff.reset();
      } catch (error) {
        if (this.stopping) break;
        if (/NOGROUP/.test(String(error))) this.groupsReady = false; // Redis lost its data
        redisOutage.down(error);
        await this.backoff.pause();
        continue;
      }
      if (entries.length > 0) await this.write(entries);
    }
  }

  stop(): void {
    this.stopping = true;
    this.backoff.wake();
  }

  private async ensureGroups(): Promise<void> {
    if (this.groupsReady) return;
    for (const kind of this.context.kinds) {
      await createGroup(this.context.client, this.context.keys.stream(kind));
    }
    this.groupsReady = true;
  }

  /** Every few seconds: entries another consumer holds without acknowledging for too long. */
  private async claimAbandoned(): Promise<QueuedEntry[] | undefined> {
    const now = Date.now();
    if (now < this.nextClaimAt) return undefined;
    const { client, keys, kinds, options } = this.context;
    this.nextClaimAt = now + Math.min(5_000, Math.floor(options.claimIdleMs / 3));
    const entries: QueuedEntry[] = [];
    for (const kind of kinds) {
      const reply = (await client.call(
        'XAUTOCLAIM',
        keys.stream(kind),
        INGEST_GROUP,
        this.consumer,
        String(options.claimIdleMs),
        '0-0',
        'COUNT',
        String(options.batchSize),
      )) as [string, [string, string[] | null][]];
      // Taken from a worker that may have committed them before it died: the writer skips
      // those already stored.
      entries.push(...toEntries(kind, reply[1], true));
    }
    return entries.length > 0 ? entries : undefined;
  }

  private async readNew(): Promise<QueuedEntry[]> {
    const { client, keys, kinds, options } = this.context;
    const streams = kinds.map((kind) => keys.stream(kind));
    const reply = (await client.call(
      'XREADGROUP',
      'GROUP',
      INGEST_GROUP,
      this.consumer,
      'COUNT',
      String(options.batchSize),
      'BLOCK',
      String(WORKER_BLOCK_MS),
      'STREAMS',
      ...streams,
      ...streams.map(() => '>'),
    )) as [string, [string, string[] | null][]][] | null;
    if (!reply) return [];
    return reply.flatMap(([stream, items]) => toEntries(kinds[streams.indexOf(stream)], items));
  }

  /** Writes one batch and settles every entry of it in Redis. */
  private async write(entries: QueuedEntry[]): Promise<void> {
    const jobs = entries.filter((entry): entry is Readable => entry.job !== undefined);
    const hold = this.holdWhileWriting(entries);
    try {
      await this.writeHeld(jobs, entries);
    } finally {
      clearInterval(hold);
    }
  }

  /**
   * `XAUTOCLAIM` takes entries idle for `claimIdleMs` — meant for a worker that died. A batch that
   * merely takes that long (a lock wait, a slow disk) must stay with us: written by two workers
   * at once, its events' rows stay single (unique ids) but what is counted beside them (rollups,
   * error-group occurrences) would be counted twice. So the claim is refreshed while we write; a
   * killed or frozen process refreshes nothing and its batch is taken over as before.
   */
  private holdWhileWriting(entries: QueuedEntry[]): NodeJS.Timeout {
    const every = Math.max(100, Math.floor(this.context.options.claimIdleMs / 3));
    const timer = setInterval(() => void this.keepClaim(entries).catch(() => undefined), every);
    timer.unref();
    return timer;
  }

  /** {@link write} with the claim held: one transaction, retried while the database is away. */
  private async writeHeld(jobs: Readable[], entries: QueuedEntry[]): Promise<void> {
    const { processor, storageOutage } = this.context;
    let results = await processor.process(jobs.map((entry) => entry.job));
    // Every event failed: the database may be down rather than the events bad. Then hold the
    // batch (our claim on it stays fresh, so no other worker takes it over) and try again.
    while (results.length > 0 && results.every(Boolean)) {
      if (await this.context.databaseAnswers()) break;
      storageOutage.failed(results[0]);
      if (this.stopping) return; // unacknowledged: taken over after claimIdleMs, nothing lost
      await this.backoff.pause();
      // A commit whose answer was lost to the outage may have stored some of them already.
      for (const entry of jobs) entry.job.redelivered = true;
      results = await processor.process(jobs.map((entry) => entry.job));
    }
    storageOutage.succeeded();
    const outcome = jobs.map((entry, i) => ({ entry, error: results[i] }));
    const unreadable = entries.filter((entry) => entry.job === undefined);
    await this.settle(outcome, unreadable);
    this.context.written(outcome.filter((o) => !o.error).length);
  }

  /** Acknowledges, re-queues or dead-letters every entry in one MULTI; retried while Redis is away. */
  private async settle(
    outcome: { entry: QueuedEntry; error: Error | undefined }[],
    unreadable: QueuedEntry[],
  ): Promise<void> {
    const { client, keys, options } = this.context;
    for (;;) {
      const multi = client.multi();
      for (const { entry, error } of outcome) {
        if (!error) continue;
        const attempts = entry.attempts + 1;
        if (attempts >= options.maxAttempts) {
          this.deadLetters.add(multi, entry, attempts, error.message);
        } else {
          multi.xadd(keys.stream(entry.kind), '*', 'job', entry.raw, 'attempts', String(attempts));
        }
      }
      for (const entry of unreadable) {
        this.deadLetters.add(multi, entry, entry.attempts, 'unreadable queue entry');
      }
      acknowledge(multi, keys, [...outcome.map(({ entry }) => entry), ...unreadable]);
      try {
        await multi.exec();
        return;
      } catch (error) {
        this.context.redisOutage.down(error);
        // Committed but not acknowledged: if we stop now, another worker re-delivers the batch
        // and the event ids turn its writes into no-ops.
        if (this.stopping) return;
        await this.backoff.pause();
      }
    }
  }

  /** Resets the idle time of the entries we hold so `XAUTOCLAIM` leaves them with us. */
  private async keepClaim(entries: QueuedEntry[]): Promise<void> {
    const { client, keys } = this.context;
    for (const kind of new Set(entries.map((entry) => entry.kind))) {
      const ids = entries.filter((entry) => entry.kind === kind).map((entry) => entry.entryId);
      await client.call(
        'XCLAIM',
        keys.stream(kind),
        INGEST_GROUP,
        this.consumer,
        '0',
        ...ids,
        'JUSTID',
      );
    }
  }
}

type Multi = ReturnType<Redis['multi']>;
type Readable = QueuedEntry & { job: IngestJob };

/** Acknowledges and deletes entries: one `XACK` and one `XDEL` per stream, not two per entry. */
function acknowledge(multi: Multi, keys: RedisQueueKeys, entries: QueuedEntry[]): void {
  const byStream = new Map<string, string[]>();
  for (const entry of entries) {
    const stream = keys.stream(entry.kind);
    const ids = byStream.get(stream);
    if (ids) ids.push(entry.entryId);
    else byStream.set(stream, [entry.entryId]);
  }
  for (const [stream, ids] of byStream) {
    multi.xack(stream, INGEST_GROUP, ...ids);
    multi.xdel(stream, ...ids);
  }
}

/** Creates the consumer group (from the stream's start, so nothing added before is skipped). */
export async function createGroup(client: Redis, stream: string): Promise<void> {
  try {
    await client.xgroup('CREATE', stream, INGEST_GROUP, '0', 'MKSTREAM');
  } catch (error) {
    if (!/BUSYGROUP/.test(String(error))) throw error;
  }
}

function toEntries(
  kind: string,
  items: [string, string[] | null][],
  claimed = false,
): QueuedEntry[] {
  const entries: QueuedEntry[] = [];
  for (const [entryId, fields] of items) {
    // A null entry was deleted while pending (Redis < 7 reports it so): nothing to write.
    if (!fields) continue;
    const entry = parseEntry(kind, entryId, fields);
    // A retried event may have been stored meanwhile (e.g. inline while Redis looked away).
    if (entry.job && (claimed || entry.attempts > 0)) entry.job.redelivered = true;
    entries.push(entry);
  }
  return entries;
}
