import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { int, text } from '../storage/sql/sql-values';
import { decodeMembers, encodeMembers, joinMembers, spanOf } from './member-list';
import { segmentIds } from './member-segments';
import {
  CHUNK,
  keyOf,
  ROLLUP_SEGMENT_TABLE,
  rowKey,
  type RowKey,
  segmentKey,
} from './rollup.tables';

/**
 * Reads of the segment table (see member-segments.ts), on the {@link SqlRunner} of the rollup
 * writes (locking, as they rewrite what they read) or of the reads.
 */
export class RollupSegmentsReader {
  constructor(private readonly sql: SqlRunner) {}

  /**
   * Some segments of some rows (not their heads), by row and first id; `lock`: read for update,
   * in key order (the ingest and the erasure, which hold the rows' heads already).
   */
  async segmentsOf(
    wanted: ReadonlyArray<{ delta: RowKey; firstId: number | null }>,
    lock: boolean,
  ): Promise<Map<string, Uint8Array>> {
    const found = new Map<string, Uint8Array>();
    for (const where of segmentsWhere(wanted)) {
      const rows = await this.sql.rows<Record<string, unknown>>(
        (p) =>
          `SELECT project_id, dimension, day, value_key, first_id, members FROM ${ROLLUP_SEGMENT_TABLE} ` +
          `WHERE ${where(p)}` +
          (lock && this.sql.dialect.lockRows
            ? ` ORDER BY project_id, dimension, day, value_key, first_id${this.sql.dialect.lockRows}`
            : ''),
      );
      for (const row of rows) {
        found.set(
          `${rowKey(int(row.project_id), text(row.dimension), text(row.day), text(row.value_key))}|${int(row.first_id)}`,
          row.members as Uint8Array,
        );
      }
    }
    return found;
  }

  /**
   * The whole member list of each of some stored rows: its head alone, or joined with its other
   * segments (read with `lock` by the erasure, which rewrites them). Each segment only counts
   * within its range of the directory read with the head: a batch that split a segment between
   * the two reads leaves the answer as before the split, never an id twice.
   */
  async wholeMembers(
    rows: ReadonlyArray<{ key: RowKey; head: Uint8Array | null; directory: Uint8Array | null }>,
    lock = false,
  ): Promise<Array<Uint8Array | null>> {
    const segmented = rows.filter((row) => row.directory);
    if (segmented.length === 0) return rows.map((row) => row.head);
    const segments = await this.segmentsOf(
      segmented.map(({ key }) => ({ delta: key, firstId: null })),
      lock,
    );
    return rows.map(({ key, head, directory }) => {
      if (!directory) return head;
      const firstIds = segmentIds(directory);
      const bounds = [0, ...firstIds, Infinity];
      const lists = [head, ...firstIds.map((id) => segments.get(segmentKey(key, id)) ?? null)];
      return joinMembers(lists.map((list, s) => withinRange(list, bounds[s], bounds[s + 1])));
    });
  }
}

/** Groups of rows (one project, dimension and day) per segment statement. */
const SEGMENT_GROUPS = 100;

/**
 * Conditions selecting some rows' segments, each for one statement: per project, dimension and
 * day, the rows wanted whole (`firstId` null) by key, the others by key and first id. Exact per
 * row, so a locking read never takes another row's segments. One condition per group of rows, at
 * most {@link SEGMENT_GROUPS} groups and {@link CHUNK} rows per statement: SQLite refuses an
 * expression nested more than 1,000 deep, which an `OR` per row reached (a rebuilt day).
 */
export function segmentsWhere(
  wanted: ReadonlyArray<{ delta: RowKey; firstId: number | null }>,
): Array<(p: SqlParams) => string> {
  const rows = new Map<string, { delta: RowKey; firstIds: number[] | null }>();
  for (const { delta, firstId } of wanted) {
    const row = rows.get(keyOf(delta));
    if (!row) rows.set(keyOf(delta), { delta, firstIds: firstId === null ? null : [firstId] });
    else if (row.firstIds && firstId !== null) row.firstIds.push(firstId);
    else row.firstIds = null;
  }
  const groups = new Map<string, Array<{ delta: RowKey; firstIds: number[] | null }>>();
  for (const row of rows.values()) {
    const group = `${row.delta.projectId}|${row.delta.dimension}|${row.delta.day}`;
    groups.set(group, [...(groups.get(group) ?? []), row]);
  }
  const statements: Array<Array<Array<{ delta: RowKey; firstIds: number[] | null }>>> = [[]];
  let rowsInStatement = 0;
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += CHUNK) {
      const part = group.slice(i, i + CHUNK);
      const current = statements[statements.length - 1];
      if (current.length >= SEGMENT_GROUPS || rowsInStatement + part.length > CHUNK) {
        statements.push([part]);
        rowsInStatement = part.length;
      } else {
        current.push(part);
        rowsInStatement += part.length;
      }
    }
  }
  return statements
    .filter((statement) => statement.length > 0)
    .map((statement) => (p: SqlParams) => {
      const conditions = statement.map((group) => {
        // Placeholders are bound in the order they are added (`?` on SQLite and MariaDB): the
        // text is built left to right.
        const { projectId, dimension, day } = group[0].delta;
        const head =
          `(project_id = ${p.add(projectId)} AND dimension = ${p.add(dimension)} ` +
          `AND day = ${p.add(day)} AND (`;
        const whole = group.filter((row) => !row.firstIds).map((row) => row.delta.valueKey);
        const keys = whole.length > 0 ? [`value_key IN (${p.list(whole)})`] : [];
        const some = group.flatMap((row) =>
          (row.firstIds ?? []).map(
            (firstId) => `(${p.add(row.delta.valueKey)}, ${p.add(firstId)})`,
          ),
        );
        if (some.length > 0) keys.push(`(value_key, first_id) IN (${some.join(', ')})`);
        return `${head}${keys.join(' OR ')}))`;
      });
      return `(${conditions.join(' OR ')})`;
    });
}

/**
 * A segment's list within the range its directory gives it, `[from, to)`: as stored, unless a
 * concurrent split moved ids since the directory was read (then they are dropped here, being
 * counted in the segment they came from).
 */
function withinRange(list: Uint8Array | null, from: number, to: number): Uint8Array | null {
  const span = spanOf(list);
  if (!span || (span[0] >= from && span[1] < to)) return list;
  return encodeMembers(decodeMembers(list).filter((id) => id >= from && id < to));
}
