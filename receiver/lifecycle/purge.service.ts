import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { ProjectEvents } from '../projects/project.events';
import { ProjectsService } from '../projects/projects.service';
import { isRolledUp, RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { retryLockConflicts } from '../storage/storage-fault';
import { PURGE_BATCH_SIZE } from './lifecycle.constants';
import { LifecycleMessages } from './lifecycle.messages';
import { PurgeLease } from './purge.lease';
import { PurgeRepository } from './purge.repository';
import { PURGE_STEPS } from './purge.steps';
import { effectiveRetention, kindsToPurge, retentionCutoff } from './retention.policy';

/** What one purge did (or, dry, would do). */
export interface PurgeReport {
  dryRun: boolean;
  /** `false` when another process held the lease and nothing ran. */
  ran: boolean;
  startedAt: Date;
  durationMs: number;
  /** Rows deleted (or that would be) per table; tables with none are left out. */
  rows: Record<string, number>;
}

/** Options of one purge run. */
export interface PurgeRunOptions {
  /** Count what would be deleted, delete nothing. */
  dryRun?: boolean;
  /** The instant retention periods count back from (tests pin it). */
  now?: number;
  /** Rows per delete statement. */
  batchSize?: number;
  /** Asked between batches: `true` stops the run early (the process is shutting down). */
  shouldStop?: () => boolean;
}

/**
 * Deletes data older than each project's retention periods, table by table in batches of
 * {@link PURGE_BATCH_SIZE} rows, yielding to the event loop between batches so request handling
 * and the ingest queue keep running; holds the shared lease so one process purges at a time.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger('ReceiverPurge');

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly projects: ProjectsService,
    private readonly repository: PurgeRepository,
    private readonly lease: PurgeLease,
    private readonly rollups: RollupMaintenance,
    private readonly events: ProjectEvents,
  ) {}

  async run(options: PurgeRunOptions = {}): Promise<PurgeReport> {
    const { dryRun = false, now = Date.now(), batchSize = PURGE_BATCH_SIZE } = options;
    const stop = options.shouldStop ?? (() => false);
    const startedAt = new Date();
    const rows: Record<string, number> = {};
    const report = (ran: boolean): PurgeReport => ({
      dryRun,
      ran,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      rows,
    });
    const plans = (await this.projects.repository.find({ order: { id: 'ASC' } }))
      .map((project) => ({ project, days: effectiveRetention(project, this.options.retention) }))
      .filter(({ days }) => kindsToPurge(days).length > 0);
    if (plans.length === 0) return this.log(report(true));
    if (!dryRun && !(await this.lease.acquire())) {
      this.logger.log(LifecycleMessages.purgeBusy);
      return report(false);
    }
    try {
      for (const { project, days } of plans) {
        let deletedAny = false;
        for (const kind of kindsToPurge(days)) {
          const cutoff = retentionCutoff(now, days[kind]);
          for (const step of PURGE_STEPS[kind]) {
            let total = 0;
            if (dryRun) {
              total = await this.repository.count(step, project.id, cutoff);
            } else {
              let deleted: number;
              do {
                if (stop()) return this.log(report(true));
                // Ingest writes the same tables meanwhile: a batch that lost a deadlock to it
                // was rolled back and is simply run again (it selects its rows anew).
                deleted = await retryLockConflicts(() =>
                  this.repository.deleteBatch(step, project.id, cutoff, batchSize),
                );
                total += deleted;
                await yieldToEventLoop();
              } while (deleted === batchSize);
            }
            if (total > 0) rows[step.table] = (rows[step.table] ?? 0) + total;
            deletedAny ||= total > 0 && !dryRun;
          }
          if (isRolledUp(kind) && !dryRun) await this.rollups.afterPurge(project.id, kind, cutoff);
        }
        if (deletedAny) await this.events.emit({ type: 'purged', projectId: project.id });
        // A long purge keeps its lease: renewing after each project outlasts any batch.
        if (!dryRun) await this.lease.acquire();
      }
      return this.log(report(true));
    } finally {
      if (!dryRun) await this.lease.release();
    }
  }

  private log(report: PurgeReport): PurgeReport {
    this.logger.log(LifecycleMessages.purgeSummary(report.dryRun, report.rows, report.durationMs));
    return report;
  }
}
