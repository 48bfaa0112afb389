import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { int } from '../../storage/sql/sql-values';
import { RollupReader } from '../../rollups/rollup.reader';
import type { RollupWindow } from '../../rollups/rollup.types';
import { ERROR_GROUP, errorGroupKey } from '../../rollups/error-day.facts';
import { TOP_GROUP_COLUMNS, TOP_GROUPS, topGroup } from './error.queries';

type Row = Record<string, unknown>;

/**
 * errors-trend and error-detail's days (contract 2.5.10, 2.5.11) answered from the per-day
 * occurrences of each group (dimension `error_group`): sums of days × groups instead of every
 * event. A day's number of rows is its number of distinct groups. Groups' texts and status are
 * read from their rows, as the raw join reads them, so a status change shows at once. Each method
 * returns what its counterpart in ErrorQueries returns — the property test holds them to it.
 */
@Injectable()
export class ErrorRollupQueries {
  private readonly rollups: RollupReader;

  constructor(private readonly sql: AnalyticsSql) {
    this.rollups = new RollupReader(sql);
  }

  async trend(projectId: number, range: AnalyticsRange, groupId: number | null) {
    const w = errorWindow(projectId, range);
    const [days, sums] = await Promise.all([
      this.rollups.daySums(w, groupId ? [errorGroupKey(groupId)] : undefined),
      groupId ? Promise.resolve(null) : this.rollups.grouped(w, 1, []),
    ]);
    const total = days.reduce((all, d) => all + d.total, 0);
    // Per group: its occurrences in the window (one group when filtered, if it has any).
    const groups = sums
      ? sums.map((g) => ({ id: int(g.l0), occurrences: int(g.pageviews) }))
      : days.length > 0
        ? [{ id: groupId as number, occurrences: total }]
        : [];
    return {
      group_id: groupId,
      total_occurrences: total,
      total_groups: groups.length,
      top_groups: await this.top(projectId, groups),
      over_time: days
        .filter((d) => d.total > 0)
        .map((d) => ({ date: d.day, occurrences: d.total, unique_groups: d.groups })),
    };
  }

  /** error-detail's `over_time` (see ErrorQueries.detailDays). */
  async detailDays(projectId: number, groupId: number, range: AnalyticsRange) {
    const days = await this.rollups.daySums(errorWindow(projectId, range), [
      errorGroupKey(groupId),
    ]);
    return days.filter((d) => d.total > 0).map((d) => ({ date: d.day, occurrences: d.total }));
  }

  /**
   * The most frequent groups, ties by id (as the raw `ORDER BY occurrences DESC, g.id`), with
   * their rows as they are now. Read in pages of candidates: a group whose row is gone (rollups
   * kept beyond the raw retention) is skipped, as the raw join would not see it.
   */
  private async top(projectId: number, groups: Array<{ id: number; occurrences: number }>) {
    const ranked = [...groups].sort((a, b) => b.occurrences - a.occurrences || a.id - b.id);
    const top: ReturnType<typeof topGroup>[] = [];
    for (let i = 0; i < ranked.length && top.length < TOP_GROUPS; i += TOP_GROUPS) {
      const page = ranked.slice(i, i + TOP_GROUPS);
      const rows = await this.sql.rows<Row>(
        (p) =>
          `SELECT ${TOP_GROUP_COLUMNS} FROM error_groups g WHERE g.project_id = ${p.add(projectId)} ` +
          `AND g.id IN (${p.list(page.map((g) => g.id))})`,
      );
      const byId = new Map(rows.map((row) => [int(row.id), row]));
      for (const g of page) {
        const row = byId.get(g.id);
        if (row && top.length < TOP_GROUPS) top.push(topGroup(row, g.occurrences));
      }
    }
    return top;
  }
}

const errorWindow = (projectId: number, range: AnalyticsRange): RollupWindow => ({
  projectId,
  dimension: ERROR_GROUP,
  fromDay: range.fromDate,
  toDay: range.toDate,
});
