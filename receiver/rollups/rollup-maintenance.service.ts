import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { IngestBatchContext } from '../ingest/interfaces/ingest.interfaces';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../storage/sql/sql-runner';
import { addDays, localDateOf, startOfLocalDay } from '../common/time/zoned-time.util';
import { PageviewFactsReader, type PageviewRowLike } from './pageview-facts.reader';
import { LocalDayOf, RollupBatch } from './rollup-batch';
import { RollupRepository } from './rollup.repository';
import { RollupStateService } from './rollup-state.service';

/**
 * Keeps the rollups equal to the raw rows: the ingest batch adds its pageviews in its own
 * transaction, an erasure takes a visitor out, the retention purge drops (or keeps, when
 * `keepRollups` says so) the days it emptied. Project deletion needs nothing here: the
 * rows go with the project (foreign key, `ON DELETE CASCADE`).
 */
@Injectable()
export class RollupMaintenance {
  private readonly facts = new PageviewFactsReader();
  /** The ingest's last local day and its bounds, kept from batch to batch (one per time zone). */
  private ingestDays: LocalDayOf | undefined;
  private ingestZone: string | undefined;

  constructor(
    private readonly state: RollupStateService,
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  /** Adds pageviews the batch inserted (call inside the batch's transaction, after the insert). */
  async recordPageviews(rows: PageviewRowLike[], context: IngestBatchContext): Promise<void> {
    if (rows.length === 0) return;
    const sql = new SqlRunner(context.manager);
    const repository = new RollupRepository(sql);
    // Read in the transaction: a rebuild in another process may have just changed it.
    if (!this.state.maintains(await repository.state())) return;
    const facts = await this.facts.ofRows(sql, rows, (task) => context.afterCommit(task));
    const zone = this.state.timeZone;
    if (zone !== this.ingestZone) {
      this.ingestDays = new LocalDayOf(zone);
      this.ingestZone = zone;
    }
    const batch = new RollupBatch(zone, this.ingestDays);
    for (const fact of facts) batch.add(fact);
    await repository.merge(batch.sorted());
  }

  /**
   * Takes one visitor's pageviews out of the rollups (the erasure hook). Call it in the erasure's
   * transaction BEFORE the visitor's pageviews are deleted: it reads them to know what to subtract.
   * Returns the number of rollup rows corrected.
   */
  async forgetVisitor(
    manager: EntityManager,
    projectId: number,
    visitorId: number,
  ): Promise<number> {
    const sql = new SqlRunner(manager);
    const repository = new RollupRepository(sql);
    if (!this.state.maintains(await repository.state())) return 0;
    const facts = await this.facts.stored(sql, projectId, 0, Date.UTC(9999, 0), visitorId);
    const batch = new RollupBatch(this.state.timeZone);
    for (const fact of facts) batch.add(fact);
    const rows = batch.sorted();
    await repository.subtract(rows);
    return rows.length;
  }

  /**
   * After the purge deleted a project's pageviews older than `cutoff`: the days wholly before it
   * lose their rollups, and the day it falls in is recomputed from the rows left — unless the
   * receiver keeps rollups beyond the raw retention (`keepRollups`).
   */
  async afterPurge(projectId: number, cutoff: number): Promise<void> {
    if (this.options.keepRollups) return;
    await this.dataSource.transaction(async (manager) => {
      const repository = new RollupRepository(new SqlRunner(manager));
      if (!this.state.maintains(await repository.state())) return;
      const day = localDateOf(cutoff, this.state.timeZone);
      await repository.deleteBefore(projectId, day);
      await this.recomputeDay(manager, day, projectId);
    });
  }

  /**
   * Recomputes one local day of one project from its raw pageviews (replaces its rows). Returns
   * the pageviews read.
   */
  async recomputeDay(manager: EntityManager, day: string, projectId: number): Promise<number> {
    const sql = new SqlRunner(manager);
    const repository = new RollupRepository(sql);
    const zone = this.state.timeZone;
    const facts = await this.facts.stored(
      sql,
      projectId,
      startOfLocalDay(day, zone),
      startOfLocalDay(addDays(day, 1), zone),
    );
    await repository.deleteDay(day, projectId);
    const batch = new RollupBatch(zone);
    for (const fact of facts) batch.add(fact);
    await repository.replace(batch.sorted());
    return facts.length;
  }
}
