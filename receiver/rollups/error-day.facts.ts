import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { LocalDayOf, type RollupDelta } from './rollup-batch';
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
  const days = new LocalDayOf(timeZone);
  const rows = new Map<string, RollupDelta>();
  for (const fact of facts) {
    // MariaDB stores whole seconds; local midnights fall on whole seconds (see RollupBatch.add).
    const day = days.of(Math.floor(fact.createdAt / 1000) * 1000);
    const key = `${fact.projectId}|${day}|${fact.groupId}`;
    const row = rows.get(key);
    if (row) row.pageviews += fact.occurrences;
    else
      rows.set(key, {
        projectId: fact.projectId,
        day,
        dimension: ERROR_GROUP,
        valueKey: errorGroupKey(fact.groupId),
        labels: [String(fact.groupId)],
        pageviews: fact.occurrences,
        members: null,
      });
  }
  return [...rows.values()];
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
