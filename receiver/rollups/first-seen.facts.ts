import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { LocalDayOf, type RollupDelta } from './rollup-batch';

/**
 * Per project and local day, the exact set of visitors whose `first_seen` falls on that day
 * (dimension `first_seen`; `pageviews` holds the set's size). New-versus-returning answers
 * classify the visitors present in a window with these sets instead of reading every visitor
 * first seen since the window's start. Adding a visitor is a set union, so it is idempotent.
 */
export const FIRST_SEEN = 'first_seen';

/** The rows adding visitors (ids with their `first_seen`) to their day's set. */
export function firstSeenDeltas(
  visitors: ReadonlyArray<{ id: number; projectId: number; firstSeen: number }>,
  timeZone: string,
): RollupDelta[] {
  const days = new LocalDayOf(timeZone);
  const rows = new Map<string, RollupDelta>();
  for (const v of visitors) {
    const day = days.of(Math.floor(v.firstSeen / 1000) * 1000);
    const key = `${v.projectId}|${day}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        projectId: v.projectId,
        day,
        dimension: FIRST_SEEN,
        valueKey: '',
        labels: [],
        pageviews: 0,
        members: new Set(),
        countsMembers: true,
      };
      rows.set(key, row);
    }
    if (!row.members?.has(v.id)) {
      row.members?.add(v.id);
      row.pageviews++;
    }
  }
  return [...rows.values()];
}

/** Visitors matching `where` with their `first_seen`. */
export async function readFirstSeen(
  sql: SqlRunner,
  where: (p: SqlParams) => string,
): Promise<Array<{ id: number; projectId: number; firstSeen: number }>> {
  const rows = await sql.rows<Record<string, unknown>>(
    (p) => `SELECT id, project_id, first_seen FROM visitors WHERE ${where(p)}`,
  );
  return rows.map((row) => ({
    id: int(row.id),
    projectId: int(row.project_id),
    firstSeen: instantOf(row.first_seen).getTime(),
  }));
}

/** The set of one project's visitors first seen in `[startMs, endMs)` (a rebuild, a purge). */
export async function firstSeenRows(
  sql: SqlRunner,
  projectId: number,
  startMs: number,
  endMs: number,
  timeZone: string,
): Promise<RollupDelta[]> {
  const visitors = await readFirstSeen(sql, projectSpan('first_seen', projectId, startMs, endMs));
  return firstSeenDeltas(visitors, timeZone);
}
