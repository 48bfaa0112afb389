import { Injectable } from '@nestjs/common';
import { AuditQueries } from './queries/audit.queries';
import { AuditRollupQueries } from './queries/audit-rollup.queries';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { RollupStateService } from '../rollups/rollup-state.service';

/**
 * Where the audits answer comes from: `top_actions` from the per-day action counts when the
 * rollups are complete in the window's time zone (see TrafficReads), else from the raw entries;
 * the newest entries (`logs`) are an index range read that stops at the limit, always raw.
 */
@Injectable()
export class AuditReads {
  constructor(
    private readonly state: RollupStateService,
    private readonly raw: AuditQueries,
    private readonly rollups: AuditRollupQueries,
  ) {}

  async audits(
    projectId: number,
    range: AnalyticsRange,
    action: string,
    actor: string,
    limit: number,
  ) {
    if (!(await this.state.serves(range.timeZone)))
      return this.raw.audits(projectId, range, action, actor, limit);
    const top = this.rollups.topActions(projectId, range);
    return this.raw.auditsWith(projectId, range, action, actor, limit, top);
  }
}
