import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { int, json, text } from '../../storage/sql/sql-values';
import { localTimestamp } from '../../common/time/receiver-time';

/** `top_actions` length (contract 2.5.12). */
const TOP_ACTIONS = 20;

/** audits (contract 2.5.12). */
@Injectable()
export class AuditQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  /** `action` / `actor` are exact-match filters; `''` means no filter. */
  async audits(
    projectId: number,
    range: AnalyticsRange,
    action: string,
    actor: string,
    limit: number,
  ) {
    const [top, logs] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT action, COUNT(*) AS total FROM audit_logs
        WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}
        GROUP BY action ORDER BY total DESC, action LIMIT ${TOP_ACTIONS}`,
      ),
      this.sql.rows((p) => {
        const conditions = [
          `project_id = ${p.add(projectId)}`,
          this.sql.within('created_at', range, p),
        ];
        if (action) conditions.push(`action = ${p.add(action)}`);
        if (actor) conditions.push(`actor = ${p.add(actor)}`);
        return `SELECT id, action, actor, context, created_at FROM audit_logs
          WHERE ${conditions.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${p.add(limit)}`;
      }),
    ]);
    return {
      count: logs.length,
      top_actions: top.map((r) => ({ action: text(r.action), count: int(r.total) })),
      logs: logs.map((r) => ({
        id: int(r.id),
        action: text(r.action),
        actor: text(r.actor),
        context: json(r.context),
        created_at: localTimestamp(r.created_at, range.timeZone),
      })),
    };
  }
}
