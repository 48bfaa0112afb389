import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { int, json, text } from '../../storage/sql/sql-values';
import { localTimestamp } from '../../common/time/receiver-time';

/** `top_actions` length (contract 2.5.12). */
export const TOP_ACTIONS = 20;

/** A `top_actions` entry: an action and its number of entries in the window. */
export type TopAction = { action: string; count: number };

/** audits (contract 2.5.12), from the raw rows. */
@Injectable()
export class AuditQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  /** `action` / `actor` are exact-match filters; `''` means no filter. */
  audits(projectId: number, range: AnalyticsRange, action: string, actor: string, limit: number) {
    return this.auditsWith(
      projectId,
      range,
      action,
      actor,
      limit,
      this.topActions(projectId, range),
    );
  }

  /**
   * `top_actions` from every entry of the window (the filters do not apply), most frequent
   * first, ties by action.
   */
  async topActions(projectId: number, range: AnalyticsRange): Promise<TopAction[]> {
    const rows = await this.sql.rows(
      (p) => `SELECT action, COUNT(*) AS total FROM audit_logs
        WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}
        GROUP BY action ORDER BY total DESC, action LIMIT ${TOP_ACTIONS}`,
    );
    return rows.map((r) => ({ action: text(r.action), count: int(r.total) }));
  }

  /**
   * The answer with `top_actions` given (from the rollups or from {@link topActions}): the
   * newest entries of the window, filtered, are an index range read that stops at the limit.
   */
  async auditsWith(
    projectId: number,
    range: AnalyticsRange,
    action: string,
    actor: string,
    limit: number,
    topActions: Promise<TopAction[]>,
  ) {
    const [top, logs] = await Promise.all([
      topActions,
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
      top_actions: top,
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
