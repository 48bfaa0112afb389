import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int, text } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { dayCounts, type RollupDelta } from './rollup-batch';

/**
 * Per project, local day and action, the number of audit entries (dimension `audit_action`, the
 * action in `label_a`, the count in `pageviews`): the audits endpoint's `top_actions` sums days ×
 * actions instead of counting every entry of the window. The entries themselves (`logs`) are an
 * index range read of the newest ones and stay on the raw table.
 */
export const AUDIT_ACTION = 'audit_action';

/** One stored audit entry as the rollups see it. */
export interface AuditFact {
  projectId: number;
  action: string;
  /** `created_at` as an instant (ms). */
  createdAt: number;
}

/** The entries per project, local day and action, as rows to add (or to store, or subtract). */
export function auditDeltas(facts: readonly AuditFact[], timeZone: string): RollupDelta[] {
  return dayCounts(
    facts.map((fact) => ({
      projectId: fact.projectId,
      labels: [fact.action],
      count: 1,
      createdAt: fact.createdAt,
    })),
    AUDIT_ACTION,
    timeZone,
  );
}

/** Stored entries matching `where` (on alias-less `audit_logs` columns). */
export async function readAuditFacts(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
): Promise<AuditFact[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    (p) => `SELECT project_id, action, created_at FROM audit_logs WHERE ${where(p)}`,
  );
  return rows.map((row) => ({
    projectId: int(row.project_id),
    action: text(row.action),
    createdAt: instantOf(row.created_at).getTime(),
  }));
}

/** The rows of one project's entries in `[startMs, endMs)` (a rebuild, a purge). */
export async function auditDayRows(
  sql: SqlRunner,
  projectId: number,
  startMs: number,
  endMs: number,
  timeZone: string,
): Promise<RollupDelta[]> {
  const facts = await readAuditFacts(sql, projectSpan('created_at', projectId, startMs, endMs));
  return auditDeltas(facts, timeZone);
}
