import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { addDays, daysBetween, localDateOf } from '../common/time/zoned-time.util';
import { RollupMaintenance } from '../rollups/rollup-maintenance.service';
import { RollupRebuildService } from '../rollups/rollup-rebuild.service';
import { RollupStateService } from '../rollups/rollup-state.service';
import { RollupGatesRepository } from '../rollups/rollup-gates.repository';
import { recomputedGates } from '../rollups/rollup-weeks';
import { SqlRunner } from '../storage/sql/sql-runner';
import { InjectReceiverDataSource } from '../storage/inject-receiver-data-source.decorator';

/** Times of the first and last pageview, error event, click or audit entry an import read for one project. */
export interface PageviewSpan {
  first: number;
  last: number;
}

/**
 * The rollups after an import wrote raw pageviews behind their back. Rollups in use: each local
 * day the imported pageviews span is recomputed for the imported projects only (the rollups'
 * own per-day recompute, one transaction per day). Rollups never built (or being built, or in
 * another zone): the full rebuild, exactly as `receiver rebuild-rollups` runs it.
 */
@Injectable()
export class ImportRollups {
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    private readonly state: RollupStateService,
    private readonly maintenance: RollupMaintenance,
    private readonly rebuilder: RollupRebuildService,
  ) {}

  async rebuild(
    spans: Map<number, PageviewSpan>,
  ): Promise<{ projects: number; days: number; full: boolean }> {
    if (spans.size === 0) return { projects: 0, days: 0, full: false };
    this.state.invalidate();
    if (!(await this.state.ready())) {
      const report = await this.rebuilder.rebuild();
      return { projects: spans.size, days: report.days, full: true };
    }
    const zone = this.state.timeZone;
    const days = [...spans.entries()].map(([projectId, span]) => ({
      projectId,
      first: localDateOf(span.first, zone),
      last: localDateOf(span.last, zone),
    }));
    const first = days.reduce((min, d) => (d.first < min ? d.first : min), days[0].first);
    const last = days.reduce((max, d) => (d.last > max ? d.last : max), days[0].last);
    for (let day = first; day <= last; day = addDays(day, 1)) {
      const projects = days
        .filter((project) => project.first <= day && day <= project.last)
        .map((project) => project.projectId);
      await this.dataSource.transaction(async (manager) => {
        // Before the first read (`RollupGatesRepository.enterDays`): live ingest may write meanwhile.
        await new RollupGatesRepository(new SqlRunner(manager)).enterDays(
          recomputedGates(projects, [day]),
          true,
        );
        for (const projectId of projects)
          await this.maintenance.recomputeDay(manager, day, projectId);
      });
    }
    return { projects: spans.size, days: daysBetween(first, last) + 1, full: false };
  }
}
