import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { dayCounts, type RollupDelta } from './rollup-batch';
import { valueKey } from './rollup.dimensions';

/**
 * Per project, local day and error group, the occurrences of its events (dimension
 * `error_group`, the group id in `label_a`, the sum of `error_events.occurrences` in
 * `pageviews`): errors-trend and error-detail sum days instead of events, and a day's row count
 * is its number of distinct groups. A group's texts and status are read from its row when
 * answering, so a status change (resolve, ignore, reopen) needs nothing here.
 */
export const ERROR_GROUP = 'error_group';

/** One stored error event as the rollups see it. */
export interface ErrorFact {
  projectId: number;
  groupId: number;
  occurrences: number;
  /** `created_at` as an instant (ms). */
  createdAt: number;
}

/** The `value_key` of a group's rows. */
export const errorGroupKey = (groupId: number): string => valueKey([String(groupId)]);

/** The occurrences of events per project, local day and group, as rows to add (or to store). */
export function errorDeltas(facts: readonly ErrorFact[], timeZone: string): RollupDelta[] {
  return dayCounts(
    facts.map((fact) => ({
      projectId: fact.projectId,
      labels: [String(fact.groupId)],
      count: fact.occurrences,
      createdAt: fact.createdAt,
    })),
    ERROR_GROUP,
    timeZone,
  );
}

/** Stored events matching `where` (on alias-less `error_events` columns). */
export async function readErrorFacts(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
): Promise<ErrorFact[]> {
  const rows = await sql.rows<Record<string, unknown>>(
    (p) =>
      `SELECT project_id, group_id, occurrences, created_at FROM error_events WHERE ${where(p)}`,
  );
  return rows.map((row) => ({
    projectId: int(row.project_id),
    groupId: int(row.group_id),
    occurrences: int(row.occurrences),
    createdAt: instantOf(row.created_at).getTime(),
  }));
}

/** The rows of one project's events in `[startMs, endMs)` (a rebuild, a purge). */
export async function errorDayRows(
  sql: SqlRunner,
  projectId: number,
  startMs: number,
  endMs: number,
  timeZone: string,
): Promise<RollupDelta[]> {
  const facts = await readErrorFacts(sql, projectSpan('created_at', projectId, startMs, endMs));
  return errorDeltas(facts, timeZone);
}
