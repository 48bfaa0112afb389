import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { int, text } from '../../storage/sql/sql-values';
import { RollupReader } from '../../rollups/rollup.reader';
import { AUDIT_ACTION } from '../../rollups/audit-day.facts';
import { TOP_ACTIONS, type TopAction } from './audit.queries';

/**
 * The audits endpoint's `top_actions` (contract 2.5.12) from the per-day action counts
 * (dimension `audit_action`): days × actions summed, grouped and ordered by the engine as the raw
 * `GROUP BY action ORDER BY total DESC, action` does (same collation, same ties), instead of
 * every entry of the window. The property test holds it to AuditQueries.topActions.
 */
@Injectable()
export class AuditRollupQueries {
  private readonly rollups: RollupReader;

  constructor(sql: AnalyticsSql) {
    this.rollups = new RollupReader(sql);
  }

  async topActions(projectId: number, range: AnalyticsRange): Promise<TopAction[]> {
    const rows = await this.rollups.grouped(
      { projectId, dimension: AUDIT_ACTION, fromDay: range.fromDate, toDay: range.toDate },
      1,
      ['l0'],
      TOP_ACTIONS,
    );
    return rows.map((r) => ({ action: text(r.l0), count: int(r.pageviews) }));
  }
}
