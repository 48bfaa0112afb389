import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import type { IngestKindFigures, ReceiverStats } from '../common/stats/receiver-stats';
import { IngestHandlerRegistry } from './ingest-handler.registry';
import { IngestMessages } from './ingest.messages';
import { isStorageFault, retryLockConflicts } from '../storage/storage-fault';
import { SqlRunner } from '../storage/sql/sql-runner';
import { sqliteWritePathOf } from '../storage/storage.guards';
import { IngestRejectedError } from './ingest.errors';
import { IngestBatchContext, IngestHandler, IngestJob } from './interfaces/ingest.interfaces';

/**
 * Per job: `undefined` when written; an {@link IngestRejectedError} when the database refuses
 * that event alone; otherwise the storage error that kept it out (the database is failing).
 */
export type BatchResult = (Error | undefined)[];

/**
 * Writes a batch of jobs in ONE transaction (the group commit that makes ingestion fast). A batch
 * that fails on a storage fault (down, disk full, locked: `isStorageFault`) fails as a whole, to
 * be retried. Any other failure is searched for by halving the batch, each half in its own
 * transaction, so the good events are written and a bad one is found in a few steps; an event
 * that fails alone while the database still answers is rejected alone
 * ({@link IngestRejectedError}) — it never fails its neighbours and is no outage. A batch that
 * lost a lock conflict to a concurrent one (a deadlock the engine broke) is run again first: no
 * event is rejected for it. Shared by the inline queue and queue workers.
 */
export class IngestBatchProcessor {
  private readonly logger = new Logger('Ingest');

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: IngestHandlerRegistry,
    private readonly stats?: ReceiverStats,
  ) {}

  async process(jobs: IngestJob[]): Promise<BatchResult> {
    const started = performance.now();
    const results: BatchResult = jobs.map(() => undefined);
    await this.write(jobs, 0, results);
    this.stats?.batchWritten({
      kinds: figuresByKind(jobs, results),
      seconds: (performance.now() - started) / 1000,
    });
    return results;
  }

  /** Writes `jobs` (at `offset` of the batch) and fills their results; `false` on an outage. */
  private async write(jobs: IngestJob[], offset: number, results: BatchResult): Promise<boolean> {
    let failure: Error;
    try {
      // A lost lock conflict says nothing about the events: the same batch is written again.
      await retryLockConflicts(() => this.attempt(jobs));
      return true;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    if (await this.isOutage(failure)) {
      for (let i = 0; i < jobs.length; i++) results[offset + i] = failure;
      return false;
    }
    if (jobs.length === 1) {
      this.logger.error(IngestMessages.jobRejected(jobs[0].kind, jobs[0].id, failure.message));
      results[offset] = new IngestRejectedError(IngestMessages.rejected, failure);
      return true;
    }
    if (offset === 0 && jobs.length === results.length) {
      this.logger.warn(IngestMessages.batchFailed(jobs.length, failure.message));
    }
    const half = Math.ceil(jobs.length / 2);
    if (await this.write(jobs.slice(0, half), offset, results)) {
      return this.write(jobs.slice(half), offset + half, results);
    }
    // The database went away meanwhile: the rest is not tried.
    for (let i = half; i < jobs.length; i++) results[offset + i] = results[offset];
    return false;
  }

  /**
   * A storage fault, or a failure while the database does not even answer a query (closed,
   * unreachable under an error the fault list does not know): not the event's fault.
   */
  private async isOutage(failure: Error): Promise<boolean> {
    if (isStorageFault(failure)) return true;
    try {
      await this.dataSource.query('SELECT 1');
      return false;
    } catch {
      return true;
    }
  }

  /** One transaction for a batch of `events` (kept on the event loop when small, on SQLite). */
  private transaction(
    events: number,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const transaction = () => this.dataSource.transaction(work);
    const sqlite = sqliteWritePathOf(this.dataSource);
    return sqlite
      ? sqlite.write(transaction, { onLoop: events < SQLITE_THREAD_MIN_EVENTS })
      : transaction();
  }

  /** Writes `jobs` in one transaction, then runs their post-commit work; throws what failed it. */
  private async attempt(jobs: IngestJob[]): Promise<void> {
    const tasks: (() => void | Promise<void>)[] = [];
    await this.transaction(jobs.length, async (manager) => {
      const context: IngestBatchContext = { manager, afterCommit: (task) => tasks.push(task) };
      for (const [kind, group] of groupByKind(jobs)) {
        const handler = this.registry.get(kind);
        const fresh = await withoutStored(handler, group, context);
        if (fresh.length === 0) continue;
        await handler.handle(
          fresh.map((job) => ({ ...(job.payload as object), eventId: job.id })),
          context,
        );
      }
    });
    for (const task of tasks) {
      try {
        await task();
      } catch (error) {
        // Post-commit work (cache fills, invalidations) must not turn a stored event into a failure.
        this.logger.warn((error as Error).message);
      }
    }
  }
}

function figuresByKind(jobs: IngestJob[], results: BatchResult): Map<string, IngestKindFigures> {
  const kinds = new Map<string, IngestKindFigures>();
  jobs.forEach((job, index) => {
    let figures = kinds.get(job.kind);
    if (!figures) kinds.set(job.kind, (figures = { stored: 0, failed: 0 }));
    if (results[index]) figures.failed++;
    else figures.stored++;
  });
  return kinds;
}

function groupByKind(jobs: IngestJob[]): Map<string, IngestJob[]> {
  const groups = new Map<string, IngestJob[]>();
  for (const job of jobs) {
    const group = groups.get(job.kind);
    if (group) group.push(job);
    else groups.set(job.kind, [job]);
  }
  return groups;
}

/**
 * Below this many events a batch stays on the event loop on SQLite even with a writer thread.
 * Each of a batch's ≈ 14 statements is a round trip to the thread: at 50 connections (batches of
 * 24–31 events) the thread halved the pageviews a second for a p99 2.3 × shorter. A batch this
 * big blocks the loop for ≈ 10 ms; bigger ones (a backlog after a stall, hundreds of events) go to
 * the thread (docs/benchmarks.md, "Writer thread or event loop").
 */
const SQLITE_THREAD_MIN_EVENTS = 64;

/** Ids per lookup: far under every engine's bound-parameter limit. */
const IDS_PER_SELECT = 500;

/**
 * `jobs` without the redelivered ones whose row is already stored (one indexed lookup per
 * batch, only when the queue redelivered something). The unique `event_id` index alone keeps the
 * row single; skipping the job also keeps what its handler counts beside the row (error group
 * occurrences, rollups) from being counted twice.
 */
async function withoutStored(
  handler: IngestHandler,
  jobs: IngestJob[],
  { manager }: IngestBatchContext,
): Promise<IngestJob[]> {
  const entity = handler.eventEntity;
  const redelivered = jobs.filter((job) => job.redelivered).map((job) => job.id);
  if (!entity || redelivered.length === 0) return jobs;
  const sql = new SqlRunner(manager);
  const stored = new Set<string>();
  for (let i = 0; i < redelivered.length; i += IDS_PER_SELECT) {
    const rows = await sql.rows<{ event_id: string }>(
      (p) =>
        `SELECT event_id FROM ${sql.table(entity)} ` +
        `WHERE event_id IN (${p.list(redelivered.slice(i, i + IDS_PER_SELECT))})`,
    );
    for (const row of rows) stored.add(row.event_id);
  }
  return jobs.filter((job) => !stored.has(job.id));
}
