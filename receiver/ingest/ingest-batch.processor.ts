import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import type { IngestKindFigures, ReceiverStats } from '../common/stats/receiver-stats';
import { IngestHandlerRegistry } from './ingest-handler.registry';
import { IngestMessages } from './ingest.messages';
import { SqlRunner } from '../storage/sql/sql-runner';
import { IngestBatchContext, IngestHandler, IngestJob } from './interfaces/ingest.interfaces';

/** Per job: `undefined` when written, otherwise the error that kept it out of the database. */
export type BatchResult = (Error | undefined)[];

/**
 * Writes a batch of jobs in ONE transaction (the group commit that makes ingestion fast). If the
 * batch fails, its jobs are retried one per transaction so a single bad event cannot take the
 * others down with it; when the first retry fails the same way, the database itself is failing
 * and the remaining jobs are failed at once. Shared by the inline queue and queue workers.
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
    const results = await this.write(jobs);
    this.stats?.batchWritten({
      kinds: figuresByKind(jobs, results),
      seconds: (performance.now() - started) / 1000,
    });
    return results;
  }

  private async write(jobs: IngestJob[]): Promise<BatchResult> {
    const failure = await this.attempt(jobs);
    if (!failure) return jobs.map(() => undefined);
    if (jobs.length === 1) return [failure];
    this.logger.warn(IngestMessages.batchFailed(jobs.length, failure.message));
    const results: BatchResult = [];
    for (const job of jobs) {
      const error = await this.attempt([job]);
      if (error && results.length === 0 && error.message === failure.message) {
        return jobs.map(() => error);
      }
      if (error) this.logger.error(IngestMessages.jobFailed(job.kind, error.message));
      results.push(error);
    }
    return results;
  }

  private async attempt(jobs: IngestJob[]): Promise<Error | undefined> {
    const tasks: (() => void | Promise<void>)[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
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
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    for (const task of tasks) {
      try {
        await task();
      } catch (error) {
        // Post-commit work (cache fills, invalidations) must not turn a stored event into a failure.
        this.logger.warn((error as Error).message);
      }
    }
    return undefined;
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
