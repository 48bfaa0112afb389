import { Injectable } from '@nestjs/common';
import { ErrorQueries, type ErrorFilters } from './queries/error.queries';
import { ErrorRollupQueries } from './queries/error-rollup.queries';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { RollupStateService } from '../rollups/rollup-state.service';
import { int } from '../storage/sql/sql-values';

type Row = Record<string, unknown>;

/**
 * Where each error answer comes from: per-day occurrences come from the rollups when they are
 * complete in the window's time zone (see TrafficReads), else from the raw events. The errors
 * list reads the groups' rows (one per group, not per event) and error-detail's latest events are
 * an index range read: both stay on the raw tables.
 */
@Injectable()
export class ErrorReads {
  constructor(
    private readonly state: RollupStateService,
    private readonly raw: ErrorQueries,
    private readonly rollups: ErrorRollupQueries,
  ) {}

  errors(projectId: number, range: AnalyticsRange, filters: ErrorFilters, limit: number) {
    return this.raw.errors(projectId, range, filters, limit);
  }

  async trend(projectId: number, range: AnalyticsRange, groupId: number | null) {
    return (await this.state.serves(range.timeZone))
      ? this.rollups.trend(projectId, range, groupId)
      : this.raw.trend(projectId, range, groupId);
  }

  findGroup(projectId: number, groupId: number): Promise<Row | undefined> {
    return this.raw.findGroup(projectId, groupId);
  }

  async detail(projectId: number, group: Row, range: AnalyticsRange) {
    if (!(await this.state.serves(range.timeZone))) return this.raw.detail(group, range);
    const days = this.rollups.detailDays(projectId, int(group.id), range);
    return this.raw.detailWith(group, range, days);
  }
}
