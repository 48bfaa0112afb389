import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { TelemetryMessages } from '../../telemetry.messages';
import type {
  DeadLetter,
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../interfaces/telemetry-store.interface';
import { FileLock } from './file-lock';
import type { JournalRecord } from './journal-record';
import {
  applyRecord,
  jsonCopy,
  oldestDeadLetters,
  oldestEntries,
  type OutboxDocument,
  planAcknowledge,
  planAppend,
  planDropDeadLetters,
  planSetAside,
  planTakeLock,
} from './outbox-document';
import { OutboxJournal } from './outbox-journal';

/** A change planned against the current state: its records, and what the caller gets back. */
interface Planned<T> {
  records: JournalRecord[];
  /** The records must reach the disk before the caller is answered. */
  durable: boolean;
  result: T;
}

type Job =
  | {
      kind: 'plan';
      /** May write: runs under the file lock (a read runs without it). */
      writes: boolean;
      plan(doc: OutboxDocument): Planned<unknown>;
      settle: Settle;
    }
  | { kind: 'task'; locked: boolean; task(): Promise<unknown>; settle: Settle };

/** A job as queued by its caller, before the queue attaches how to answer it. */
type JobInput = Job extends infer J ? (J extends Job ? Omit<J, 'settle'> : never) : never;

interface Settle {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Garbage (acknowledged entries, replaced values, old leases) that makes a compaction worth it. */
const COMPACT_AFTER = 1_000;

/**
 * Keeps the outbox in an append-only journal file that survives restarts and `kill -9`. An append
 * writes one checksummed record and fdatasyncs it before it resolves — O(1) whatever the backlog —
 * and appends arriving together share one write and one sync. Acknowledged entries are compacted
 * away in the background; a record torn by a crash is dropped at the next start, never the ones
 * before it. Several processes (the app and a CLI run) may share the file: every change happens
 * under `<path>.lock`, which is taken over at once from a dead holder and never from a live one.
 * A 0.x `outbox.json` document at the same path is converted on first start.
 */
export class FileTelemetryStore implements TelemetryStore {
  private readonly logger = new Logger('Telemetry');
  private readonly journal: OutboxJournal;
  private readonly lock: FileLock;
  private readonly jobs: Job[] = [];
  private draining?: Promise<void>;
  private compaction?: Promise<void>;
  private ready?: Promise<unknown>;

  constructor(
    readonly path: string,
    private readonly maxEntries = 10_000,
    private readonly maxDeadLetters = 1_000,
  ) {
    this.journal = new OutboxJournal(path, this.logger);
    this.lock = new FileLock(path);
  }

  append(entries: OutboxEntryInput[]): Promise<number> {
    const copy = jsonCopy(entries);
    return this.change((doc) => {
      const { records, dropped } = planAppend(doc, copy, this.maxEntries);
      return { records, durable: true, result: dropped };
    });
  }

  pending(limit: number): Promise<OutboxEntry[]> {
    return this.read((doc) => jsonCopy(oldestEntries(doc, limit)));
  }

  acknowledge(ids: number[]): Promise<void> {
    return this.change((doc) => ({
      records: planAcknowledge(doc, ids),
      durable: true,
      result: undefined,
    }));
  }

  size(): Promise<number> {
    return this.read((doc) => doc.entries.size);
  }

  setAside(letters: DeadLetter[]): Promise<number> {
    const copy = jsonCopy(letters);
    return this.change((doc) => {
      const { records, dropped } = planSetAside(doc, copy, this.maxDeadLetters);
      return { records, durable: true, result: dropped };
    });
  }

  deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.read((doc) => jsonCopy(oldestDeadLetters(doc, limit)));
  }

  deadLetterCount(): Promise<number> {
    return this.read((doc) => doc.dead.size);
  }

  dropDeadLetters(ids: number[]): Promise<void> {
    return this.change((doc) => ({
      records: planDropDeadLetters(doc, ids),
      durable: true,
      result: undefined,
    }));
  }

  getValue<T = unknown>(key: string): Promise<T | undefined> {
    return this.read((doc) => jsonCopy(doc.values.get(key)) as T | undefined);
  }

  setValue(key: string, value: unknown): Promise<void> {
    return this.setValues({ [key]: value });
  }

  setValues(values: Record<string, unknown>): Promise<void> {
    const copy = jsonCopy(values);
    return this.change(() => ({
      records: [{ op: 'set', values: copy }],
      durable: true,
      result: undefined,
    }));
  }

  deleteValue(key: string): Promise<void> {
    return this.change((doc) => ({
      records: doc.values.has(key) ? [{ op: 'del', keys: [key] }] : [],
      durable: true,
      result: undefined,
    }));
  }

  async acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined> {
    // Leases are not synced to disk: after a crash a lost lease only lets a key be collected again.
    const token = await this.change((doc) => {
      const { records, token } = planTakeLock(doc, name, ttlMs, Date.now());
      return { records, durable: false, result: token };
    });
    if (!token) return undefined;
    return {
      release: () =>
        this.change(() => ({
          records: [{ op: 'unlock', name, token }],
          durable: false,
          result: undefined,
        })),
    };
  }

  async close(): Promise<void> {
    await this.compaction;
    await this.draining;
    await this.journal.close();
    await this.lock.close();
    this.ready = undefined;
  }

  private change<T>(plan: (doc: OutboxDocument) => Planned<T>): Promise<T> {
    return this.enqueue({ kind: 'plan', writes: true, plan }) as Promise<T>;
  }

  private read<T>(read: (doc: OutboxDocument) => T): Promise<T> {
    const plan = (doc: OutboxDocument) => ({ records: [], durable: false, result: read(doc) });
    return this.enqueue({ kind: 'plan', writes: false, plan }) as Promise<T>;
  }

  private task<T>(locked: boolean, task: () => Promise<T>): Promise<T> {
    return this.enqueue({ kind: 'task', locked, task }) as Promise<T>;
  }

  private async enqueue(job: JobInput): Promise<unknown> {
    // The first operation takes the lock: it may convert a 0.x file or clear a crash's leftovers.
    this.ready ??= mkdir(dirname(this.path), { recursive: true });
    await this.ready;
    return new Promise((resolve, reject) => {
      this.jobs.push({ ...job, settle: { resolve, reject } } as Job);
      this.draining ??= this.drain();
    });
  }

  /** Runs queued jobs in order; consecutive changes and reads share one lock, write and sync. */
  private async drain(): Promise<void> {
    while (this.jobs.length > 0) {
      const first = this.jobs[0];
      if (first.kind === 'task') {
        this.jobs.shift();
        await this.runTask(first);
        continue;
      }
      let count = 0;
      while (count < this.jobs.length && this.jobs[count].kind === 'plan') count++;
      const batch = this.jobs.splice(0, count) as Extract<Job, { kind: 'plan' }>[];
      await this.runBatch(batch);
    }
    this.draining = undefined;
  }

  private async runTask(job: Extract<Job, { kind: 'task' }>): Promise<void> {
    try {
      const result = job.locked
        ? await this.lock.run(async () => {
            await this.journal.sync(true);
            return job.task();
          })
        : await this.journal.sync(false).then(() => job.task());
      job.settle.resolve(result);
    } catch (error) {
      job.settle.reject(error);
    }
  }

  private async runBatch(batch: Extract<Job, { kind: 'plan' }>[]): Promise<void> {
    const work = async (locked: boolean) => {
      await this.journal.sync(locked);
      const records: JournalRecord[] = [];
      const answers: Array<{ settle: Settle; result: unknown }> = [];
      let durable = false;
      for (const job of batch) {
        let planned: Planned<unknown>;
        try {
          planned = job.plan(this.journal.doc);
        } catch (error) {
          job.settle.reject(error);
          continue;
        }
        for (const record of planned.records) applyRecord(this.journal.doc, record);
        records.push(...planned.records);
        durable ||= planned.durable && planned.records.length > 0;
        answers.push({ settle: job.settle, result: planned.result });
      }
      await this.journal.write(records, durable);
      return answers;
    };
    // Reads need no lock once the journal is open: they stop before a tail still being written.
    const locked = !this.journal.isOpen || batch.some((job) => job.writes);
    try {
      const answers = locked ? await this.lock.run(() => work(true)) : await work(false);
      for (const { settle, result } of answers) settle.resolve(result);
    } catch (error) {
      for (const job of batch) job.settle.reject(error);
    }
    this.maybeCompact();
  }

  private maybeCompact(): void {
    const { doc } = this.journal;
    if (this.compaction || doc.garbage < COMPACT_AFTER) return;
    if (doc.garbage < doc.entries.size + doc.dead.size + doc.values.size) return;
    this.compaction = this.compact()
      .catch((error: unknown) =>
        this.logger.warn(TelemetryMessages.storeFailed('compaction', String(error))),
      )
      .finally(() => (this.compaction = undefined));
  }

  private async compact(): Promise<void> {
    const capture = await this.task(false, async () => this.journal.captureSnapshot());
    if (!capture) return;
    const prepared = await this.journal.writeSnapshot(capture);
    await this.task(true, () => this.journal.completeCompaction(prepared));
  }
}
