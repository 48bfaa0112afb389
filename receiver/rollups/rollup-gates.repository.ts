import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { int, text } from '../storage/sql/sql-values';
import type { GateDay } from './rollup.types';
import { CHUNK } from './rollup.tables';

export const ROLLUP_STATE_TABLE = 'analytics_rollup_state';
export const ROLLUP_GATE_TABLE = 'analytics_rollup_gates';
const STATE_NAME = 'rollups';
/** The gates' columns' types, as the dialects' `rowSource` takes them. */
const GATE_COLUMN_TYPES = ['integer', 'character varying'];

/** Where the rollups stand: `empty` (no data yet), `pending`, `building`, `ready`. */
export interface RollupStateRow {
  timeZone: string | null;
  status: 'empty' | 'pending' | 'building' | 'ready';
  /** Last local day a rebuild finished (resumes after it). */
  builtThrough: string | null;
}

/**
 * Where the rollups stand and the gates of their days, on any {@link SqlRunner} (the data source,
 * an ingest batch's transaction, a rebuild's): what keeps a rebuild, the ingest and the
 * recomputations of some days from overwriting each other's rows.
 */
export class RollupGatesRepository {
  constructor(private readonly sql: SqlRunner) {}

  async state(): Promise<RollupStateRow> {
    const row = await this.sql.row<Record<string, unknown>>(
      (p) =>
        `SELECT time_zone, status, built_through FROM ${ROLLUP_STATE_TABLE} WHERE name = ${p.add(STATE_NAME)}`,
    );
    return {
      timeZone: row?.time_zone ? text(row.time_zone) : null,
      status: (row ? text(row.status) : 'pending') as RollupStateRow['status'],
      builtThrough: row?.built_through ? text(row.built_through) : null,
    };
  }

  async setState(state: RollupStateRow): Promise<void> {
    await this.sql.run(
      (p) =>
        `UPDATE ${ROLLUP_STATE_TABLE} SET time_zone = ${p.add(state.timeZone)}, ` +
        `status = ${p.add(state.status)}, built_through = ${p.add(state.builtThrough)}, ` +
        `updated_at = ${p.instant(Date.now())} WHERE name = ${p.add(STATE_NAME)}`,
    );
  }

  /**
   * Enters the gates of some project days for the rest of the transaction: `alone` (a day
   * recomputed from the raw rows: rebuild, purge, import) or shared (deltas added or taken out:
   * ingest, erasure). A recomputation then never interleaves with a delta of its days: it reads
   * the raw rows either before the delta's transaction stored anything (which then adds its delta
   * to the rewritten rows) or after it committed (its raw rows are counted, its delta replaced).
   * Gates are taken in (project, day) order, so recomputations cannot deadlock each other. A
   * recomputation enters BEFORE its first read: MariaDB's repeatable read fixes a transaction's
   * snapshot at its first plain read, which would otherwise miss what a waited-for batch committed;
   * it therefore creates missing gates blindly (an insert that skips stored ones, locking them
   * alone on MariaDB). A shared entry looks them up first: that insert would make it exclusive.
   * On SQLite nothing is done (see the first line).
   */
  async enterDays(days: readonly GateDay[], alone: boolean): Promise<void> {
    const { dialect } = this.sql;
    // No row locks (SQLite): a writing transaction already excludes every other writer, so the
    // gate would only add statements to each ingest batch.
    if (!dialect.lockRows) return;
    const unique = new Map(days.map((d) => [`${d.projectId}|${d.day}`, d]));
    const sorted = [...unique.values()].sort(
      (a, b) => a.projectId - b.projectId || (a.day < b.day ? -1 : a.day > b.day ? 1 : 0),
    );
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const chunk = sorted.slice(i, i + CHUNK);
      let missing = chunk;
      if (!alone) {
        const stored = await this.sql.rows<Record<string, unknown>>(
          (p) => `SELECT project_id, day FROM ${ROLLUP_GATE_TABLE} WHERE ${gatesWhere(p, chunk)}`,
        );
        const found = new Set(stored.map((row) => `${int(row.project_id)}|${text(row.day)}`));
        missing = chunk.filter((d) => !found.has(`${d.projectId}|${d.day}`));
      }
      if (missing.length > 0) {
        await this.sql.run((p) =>
          dialect.insertIgnore(
            ROLLUP_GATE_TABLE,
            'project_id, day',
            dialect.rowSource(
              p,
              GATE_COLUMN_TYPES,
              missing.map((d) => [d.projectId, d.day]),
            ),
          ),
        );
      }
      await this.sql.run(
        (p) =>
          `SELECT project_id, day FROM ${ROLLUP_GATE_TABLE} WHERE ${gatesWhere(p, chunk)} ` +
          `ORDER BY project_id, day${alone ? dialect.lockRows : dialect.shareRows}`,
      );
    }
  }
}

/** The gates of some project days, one condition per project (each a primary key seek). */
function gatesWhere(p: SqlParams, days: readonly GateDay[]): string {
  const byProject = new Map<number, string[]>();
  for (const { projectId, day } of days)
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), day]);
  return [...byProject]
    .map(([projectId, list]) => `(project_id = ${p.add(projectId)} AND day IN (${p.list(list)}))`)
    .join(' OR ');
}
