import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import { labelsText, LocalDayOf, type RollupDelta } from './rollup-batch';
import { valueKey } from './rollup.dimensions';

/** A stored (or just inserted) event row, by column name. */
export type EventRow = Record<string, unknown>;

/**
 * A kind of event the rollups only count (error events, audit entries): per project, local day
 * and group, one count-only row of `dimension` (no member sets). One description serves the
 * ingest (the rows it inserted), the erasure (the rows it is about to delete) and every
 * recompute (the rows of a day), so all three derive the same rows.
 */
export interface CountedKind {
  dimension: string;
  table: string;
  /** The columns {@link event} reads, besides `project_id` and `created_at`. */
  columns: string[];
  /** The group's values (its `value_key` is their digest) and what the row adds to it. */
  event(row: EventRow): { labels: string[]; count: number };
}

/** The rows of `kind` the events add to (or an erasure takes from) their days. */
export function dayCounts(
  kind: CountedKind,
  events: Iterable<EventRow>,
  timeZone: string,
): RollupDelta[] {
  const days = new LocalDayOf(timeZone);
  const rows = new Map<string, RollupDelta>();
  for (const event of events) {
    const projectId = Number(event.project_id);
    // MariaDB stores whole seconds; local midnights fall on whole seconds (see RollupBatch.add).
    const day = days.of(Math.floor(instantOf(event.created_at).getTime() / 1000) * 1000);
    const { labels, count } = kind.event(event);
    const key = `${projectId}|${day}|${labelsText(labels)}`;
    const row = rows.get(key);
    if (row) row.pageviews += count;
    else
      rows.set(key, {
        projectId,
        day,
        dimension: kind.dimension,
        valueKey: valueKey(labels),
        labels,
        pageviews: count,
        members: null,
      });
  }
  return [...rows.values()];
}

/** Stored events of `kind` matching `where` (on alias-less columns of its table). */
export function readCounted(
  sql: SqlRunner,
  kind: CountedKind,
  where: (p: SqlParams) => string,
): Promise<EventRow[]> {
  const columns = ['project_id', ...kind.columns, 'created_at'].join(', ');
  return sql.rows<EventRow>((p) => `SELECT ${columns} FROM ${kind.table} WHERE ${where(p)}`);
}

/** The rows of one project's events of `kind` in `[startMs, endMs)` (a rebuild, a purge). */
export async function countedDayRows(
  kind: CountedKind,
  sql: SqlRunner,
  projectId: number,
  startMs: number,
  endMs: number,
  timeZone: string,
): Promise<RollupDelta[]> {
  const rows = await readCounted(sql, kind, projectSpan('created_at', projectId, startMs, endMs));
  return dayCounts(kind, rows, timeZone);
}
