import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import type { SqlDialect } from '../storage/sql/sql-dialect';
import { int, text } from '../storage/sql/sql-values';
import {
  decodeMembers,
  encodeMembers,
  joinMembers,
  memberCount,
  mergeMembers,
  spanOf,
} from './member-list';
import {
  directoryOf,
  type MemberSegment,
  routeIds,
  segmentIds,
  segmentsOf,
  splitSegment,
} from './member-segments';
import type { RollupDelta } from './rollup-batch';
import type { GateDay, RollupWindow } from './rollup.types';
import { LABEL_COLUMNS } from './rollup.dimensions';
import { addDays, daysBetween } from '../common/time/zoned-time.util';
import { isWeekDimension, weekDimension, windowParts, type WindowPart } from './rollup-weeks';
import { ERROR_GROUP } from './error-day.facts';
import { LINK, LINK_BREAKDOWNS } from './link-click.facts';

export const ROLLUP_TABLE = 'analytics_rollups';
export const ROLLUP_STATE_TABLE = 'analytics_rollup_state';
export const ROLLUP_GATE_TABLE = 'analytics_rollup_gates';
/** The segments of the long member lists beyond each row's first (see member-segments.ts). */
export const ROLLUP_SEGMENT_TABLE = 'analytics_rollup_segments';
const STATE_NAME = 'rollups';
/**
 * The per-project lock rows earlier versions serialised ingest batches with (outside every
 * window): still skipped where rows are listed, as databases may hold them.
 */
const GATE_DIMENSION = 'session_gate';
const KEY = ['project_id', 'dimension', 'day', 'value_key'];
const COLUMNS = [...KEY, ...LABEL_COLUMNS, 'pageviews', 'members', 'segments'];
/** Their types, as the dialects' `rowSource` takes them. */
const COLUMN_TYPES = [
  'integer',
  ...Array<string>(3 + LABEL_COLUMNS.length).fill('character varying'),
  'integer',
  'bytea',
  'bytea',
];
const SEGMENT_COLUMNS = [...KEY, 'first_id', 'members'];
const SEGMENT_TYPES = [
  'integer',
  'character varying',
  'character varying',
  'character varying',
  'bigint',
  'bytea',
];
/**
 * Rows per statement: 10 values each, below every engine's placeholder limit (32,766 on SQLite);
 * a batch of 500 pageviews (≈ 520 rows) merges in one round of three statements.
 */
const CHUNK = 1_000;

/** Where the rollups stand: `empty` (no data yet), `pending`, `building`, `ready`. */
export interface RollupStateRow {
  timeZone: string | null;
  status: 'empty' | 'pending' | 'building' | 'ready';
  /** Last local day a rebuild finished (resumes after it). */
  builtThrough: string | null;
}

/** A stored rollup row as the reads use it. */
export interface StoredRollup {
  day: string;
  valueKey: string;
  labels: string[];
  pageviews: number;
  members: Uint8Array | null;
}

/**
 * The rollup tables' statements, on any {@link SqlRunner} (the data source, an ingest batch's
 * transaction, a rebuild's). Writes come in two kinds: the ingest merges deltas into stored rows
 * (read with a row lock, union of ids, written back), the rebuild replaces whole rows.
 */
export class RollupRepository {
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

  /**
   * Adds deltas to the stored rows (the ingest), reading each stored row with a row lock so two
   * receivers writing the same page and day queue up instead of losing each other's visitors;
   * rows are taken in one order ({@link lockOrder}), so they cannot deadlock. Rows not stored yet
   * are inserted whole.
   * Where a locking read of a missing key locks its gap (MariaDB), two batches inserting rows
   * into one gap would deadlock: there every row is first created empty, then read and written.
   * First it enters the gates of the rows' days shared ({@link enterDays}; a week row's day is
   * its Monday), so it never interleaves with a recomputation of one of them.
   */
  async merge(deltas: RollupDelta[]): Promise<void> {
    const { dialect } = this.sql;
    await this.enterDays(deltas, false);
    for (const chunk of lockOrder(deltas, this.sql.dialect)) {
      if (dialect.lockingReadLocksGaps) {
        await this.sql.run((p) =>
          dialect.insertIgnore(
            ROLLUP_TABLE,
            COLUMNS.join(', '),
            rowsOf(
              p,
              dialect,
              chunk.map((delta) => ({ delta, pageviews: 0, members: null })),
            ),
          ),
        );
      }
      const stored = await this.storedOf(chunk);
      let pending = chunk;
      if (!dialect.lockingReadLocksGaps) {
        const missing = chunk.filter((delta) => !stored.has(keyOf(delta)));
        const fresh = await this.merged(missing, stored);
        const inserted = await this.insertNew(fresh);
        await this.writeSegments(fresh.filter((row) => inserted.has(keyOf(row.delta))));
        // Inserted meanwhile by a concurrent batch (ours waited for its commit): merged below.
        const lost = missing.filter((delta) => !inserted.has(keyOf(delta)));
        for (const [key, row] of await this.storedOf(lost)) stored.set(key, row);
        pending = chunk.filter((delta) => !inserted.has(keyOf(delta)));
      }
      const rows = await this.merged(pending, stored);
      // A sum back at zero (a session sum after an erasure) leaves no row, as a rebuild would.
      const empty = rows.filter((row) => row.pageviews === 0 && row.members === null);
      await this.write(rows.filter((row) => !empty.includes(row)));
      for (const { delta } of empty) await this.deleteRow(delta);
    }
  }

  /**
   * Takes deltas out of the stored rows: their pageviews are subtracted and their ids removed
   * from the member lists. Exact when the deltas are ALL the pageviews of their ids (an erased
   * visitor with every session of theirs). Rows left without pageviews are deleted. Enters its
   * days' gates shared first, as {@link merge}.
   */
  async subtract(deltas: RollupDelta[]): Promise<void> {
    await this.enterDays(deltas, false);
    for (const chunk of lockOrder(deltas, this.sql.dialect)) {
      const stored = await this.storedOf(chunk);
      const segmented = chunk.filter((delta) => stored.get(keyOf(delta))?.segments);
      const wholes = await this.wholeMembers(
        segmented.map((delta) => ({
          key: delta,
          head: stored.get(keyOf(delta))?.members ?? null,
          directory: stored.get(keyOf(delta))?.segments ?? null,
        })),
        true,
      );
      const lists = new Map(segmented.map((delta, i) => [keyOf(delta), wholes[i]]));
      const kept: MergedRow[] = [];
      for (const delta of chunk) {
        const before = stored.get(keyOf(delta));
        if (!before) continue;
        const pageviews = int(before.pageviews) - delta.pageviews;
        if (pageviews <= 0) {
          await this.deleteRow(delta);
          continue;
        }
        const removed = delta.members ?? new Set<number>();
        const members = delta.members
          ? encodeMembers(
              decodeMembers(lists.get(keyOf(delta)) ?? before.members).filter(
                (id) => !removed.has(id),
              ),
            )
          : null;
        kept.push(wholeRow(delta, pageviews, members));
      }
      // Rewritten whole: their old segments go first.
      await this.deleteSegments(segmented);
      await this.write(kept);
    }
  }

  /** The local days up to `lastDay` (inclusive) holding rows of a project, oldest first. */
  async daysThrough(projectId: number, lastDay: string): Promise<string[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT DISTINCT day FROM ${ROLLUP_TABLE} WHERE project_id = ${p.add(projectId)} ` +
        `AND day <= ${p.add(lastDay)} AND dimension <> ${p.add(GATE_DIMENSION)} ORDER BY day`,
    );
    return rows.map((row) => text(row.day));
  }

  /** The local days holding rows of some of a project's dimensions, in no order. */
  async daysWithRows(projectId: number, dimensions: readonly string[]): Promise<string[]> {
    if (dimensions.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT DISTINCT day FROM ${ROLLUP_TABLE} WHERE project_id = ${p.add(projectId)} ` +
        `AND dimension IN (${p.list(dimensions)})`,
    );
    return rows.map((row) => text(row.day));
  }

  /** Writes rows as given (the rebuild), replacing stored ones. */
  async replace(rows: RollupDelta[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await this.deleteSegments(chunk);
      await this.write(
        chunk.map((delta) =>
          wholeRow(
            delta,
            delta.pageviews,
            delta.members ? encodeMembers([...delta.members].sort((a, b) => a - b)) : null,
          ),
        ),
      );
    }
  }

  /** Deletes the rows of one local day (every project, or one). */
  async deleteDay(day: string, projectId?: number): Promise<void> {
    for (const table of [ROLLUP_SEGMENT_TABLE, ROLLUP_TABLE]) {
      await this.sql.run(
        (p) =>
          `DELETE FROM ${table} WHERE day = ${p.add(day)}` +
          (projectId === undefined ? '' : ` AND project_id = ${p.add(projectId)}`),
      );
    }
  }

  /**
   * Deletes one project's rows of some dimensions from `fromDay` through `toDay` (a link deleted,
   * days of events recomputed); with `valueKey`, only that group's rows.
   */
  async deleteRows(
    projectId: number,
    dimensions: string[],
    fromDay: string,
    toDay: string,
    valueKey?: string,
  ): Promise<void> {
    if (dimensions.length === 0) return;
    for (const table of [ROLLUP_SEGMENT_TABLE, ROLLUP_TABLE]) {
      await this.sql.run(
        (p) =>
          `DELETE FROM ${table} WHERE project_id = ${p.add(projectId)} ` +
          `AND dimension IN (${p.list(dimensions)}) AND day >= ${p.add(fromDay)} ` +
          `AND day <= ${p.add(toDay)}` +
          (valueKey === undefined ? '' : ` AND value_key = ${p.add(valueKey)}`),
      );
    }
  }

  /** Deletes every row but the projects' lock rows (a fresh rebuild starts from nothing). */
  async clear(): Promise<void> {
    await this.sql.run(() => `DELETE FROM ${ROLLUP_SEGMENT_TABLE}`);
    await this.sql.run(
      (p) => `DELETE FROM ${ROLLUP_TABLE} WHERE dimension <> ${p.add(GATE_DIMENSION)}`,
    );
  }

  /**
   * Pageviews per group of a dimension over a window, summed, grouped and ordered by the engine
   * as the raw queries do (same collation, same tie order): `ORDER BY pageviews DESC, <order>`,
   * where `order` names the returned label aliases (`l0`…`l3`).
   */
  async grouped(
    window: RollupWindow,
    labels: number,
    order: string[],
    limit?: number,
  ): Promise<Array<Record<string, unknown>>> {
    if (this.sql.dialect.sumsInClient) {
      const summed = await this.summedInClient(window, labels, order, limit);
      if (summed) return summed;
    }
    const columns = LABEL_COLUMNS.slice(0, labels);
    const select = columns.map((c, i) => `${c} AS l${i}`).join(', ');
    return this.sql.rows(
      (p) =>
        `SELECT ${select}, SUM(pageviews) AS pageviews FROM ${ROLLUP_TABLE} ` +
        `WHERE ${this.within(p, window)} GROUP BY ${columns.join(', ')} ` +
        `ORDER BY pageviews DESC${order.map((o) => `, ${o}`).join('')}` +
        (limit === undefined ? '' : ` LIMIT ${p.add(limit)}`),
    );
  }

  /**
   * Per day of a window (day order): the summed `pageviews` and the number of rows (of groups),
   * optionally of some groups only.
   */
  async daySums(
    window: RollupWindow,
    valueKeys?: string[],
  ): Promise<Array<{ day: string; total: number; groups: number }>> {
    if (valueKeys && valueKeys.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT day, SUM(pageviews) AS total, COUNT(*) AS n FROM ${ROLLUP_TABLE} ` +
        `WHERE ${valueKeys ? this.keyed(p, window, valueKeys) : this.within(p, window)} ` +
        `GROUP BY day ORDER BY day`,
    );
    return rows.map((row) => ({ day: text(row.day), total: int(row.total), groups: int(row.n) }));
  }

  /** The distinct `label_a` values of a window's rows (the links with clicks on some days). */
  async firstLabels(window: RollupWindow): Promise<string[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) => `SELECT DISTINCT label_a FROM ${ROLLUP_TABLE} WHERE ${this.within(p, window)}`,
    );
    return rows.map((row) => text(row.label_a));
  }

  /**
   * {@link grouped} with the sums made here (see `SqlDialect.sumsInClient`): one plain scan of
   * the window's keys and counts, then the engine groups and orders one row per stored group
   * (a few hundred, not a month of them) by its own collation, naming the keys in each group, so
   * groups it deems equal are merged and ties ordered exactly as its `GROUP BY … ORDER BY` over
   * every row would. `null` (the engine then groups every row) past {@link CLIENT_GROUPS_MAX}
   * groups, or if a group's key list came back cut short (`group_concat_max_len`).
   */
  private async summedInClient(
    window: RollupWindow,
    labels: number,
    order: string[],
    limit?: number,
  ): Promise<Array<Record<string, unknown>> | null> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT value_key, dimension, day, pageviews FROM ${ROLLUP_TABLE} ` +
        `WHERE ${this.within(p, window)}`,
    );
    const sums = new Map<string, { row: string; pageviews: number }>();
    for (const row of rows) {
      const key = text(row.value_key);
      const sum = sums.get(key);
      if (sum) sum.pageviews += int(row.pageviews);
      else
        sums.set(key, {
          row: JSON.stringify([text(row.dimension), text(row.day)]),
          pageviews: int(row.pageviews),
        });
    }
    if (sums.size === 0) return [];
    if (sums.size > CLIENT_GROUPS_MAX) return null;
    // One stored row per group: any day (or week) of it, its labels are the same on every one.
    const byDay = new Map<string, string[]>();
    for (const [key, { row }] of sums) byDay.set(row, [...(byDay.get(row) ?? []), key]);
    const columns = LABEL_COLUMNS.slice(0, labels);
    const groups = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT GROUP_CONCAT(value_key) AS value_keys, COUNT(*) AS stored, ` +
        `${columns.map((c, i) => `${c} AS l${i}`).join(', ')} FROM ${ROLLUP_TABLE} ` +
        `WHERE project_id = ${p.add(window.projectId)} AND (${[...byDay]
          .map(([row, keys]) => {
            const [dimension, day] = JSON.parse(row) as [string, string];
            return `(dimension = ${p.add(dimension)} AND day = ${p.add(day)} AND value_key IN (${p.list(keys)}))`;
          })
          .join(' OR ')}) ` +
        `GROUP BY ${columns.join(', ')}` +
        (order.length > 0 ? ` ORDER BY ${order.join(', ')}` : ''),
    );
    const summed: Array<{ row: Record<string, unknown>; position: number }> = [];
    for (const [position, group] of groups.entries()) {
      const keys = text(group.value_keys).split(',');
      if (keys.length !== int(group.stored)) return null;
      const pageviews = keys.reduce((total, key) => total + (sums.get(key)?.pageviews ?? 0), 0);
      const row: Record<string, unknown> = { pageviews };
      columns.forEach((_, i) => (row[`l${i}`] = group[`l${i}`]));
      summed.push({ row, position });
    }
    // The engine's order breaks ties between equal sums, as `ORDER BY pageviews DESC, <order>`.
    const result = summed
      .sort((a, b) => int(b.row.pageviews) - int(a.row.pageviews) || a.position - b.position)
      .map(({ row }) => row);
    return limit === undefined ? result : result.slice(0, limit);
  }

  /**
   * Each stored row of a window with only its first label, count and member list (the links
   * list: a link's id and its clickers per day). The other labels and the keys are most of a
   * row's strings: building them took most of the read.
   */
  async firstLabelCounts(
    window: RollupWindow,
  ): Promise<Array<{ label: string; pageviews: number; members: Uint8Array | null }>> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT label_a, pageviews, members, segments, dimension, day, value_key FROM ${ROLLUP_TABLE} ` +
        `WHERE ${this.within(p, window)}`,
    );
    const members = await this.readMembers(window.projectId, rows);
    return rows.map((row, i) => ({
      label: text(row.label_a),
      pageviews: int(row.pageviews),
      members: members[i],
    }));
  }

  /** The stored rows of a window, optionally only those of some groups. */
  async rows(window: RollupWindow, valueKeys?: string[]): Promise<StoredRollup[]> {
    if (valueKeys && valueKeys.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT day, value_key, ${LABEL_COLUMNS.join(', ')}, pageviews, members, segments, ` +
        `dimension FROM ${ROLLUP_TABLE} ` +
        `WHERE ${valueKeys ? this.keyed(p, window, valueKeys) : this.within(p, window)}`,
    );
    const members = await this.readMembers(window.projectId, rows);
    return rows.map((row, i) => ({
      day: text(row.day),
      valueKey: text(row.value_key),
      labels: LABEL_COLUMNS.map((c) => text(row[c])),
      pageviews: int(row.pageviews),
      members: members[i],
    }));
  }

  /**
   * The member lists of some groups over a window (the unique counts of a breakdown's answer):
   * only the ids and keys, not the labels, which for pages are most of a row's bytes. The days
   * are listed, so every engine seeks the primary key per (day, group) instead of walking every
   * group of every day in the window to keep a few (half the cost for 20 of 500 pages).
   */
  async memberLists(
    window: RollupWindow,
    valueKeys: string[],
  ): Promise<Array<{ valueKey: string; members: Uint8Array | null }>> {
    if (valueKeys.length === 0) return [];
    // One seek per part: an OR of the parts' day lists made SQLite scan the whole project.
    const rows = await this.sql.rows<Record<string, unknown>>((p) =>
      windowParts(window)
        .map(
          (part) =>
            `SELECT value_key, members, segments, dimension, day FROM ${ROLLUP_TABLE} ` +
            `WHERE ${this.keyed(p, { ...window, ...part, weeks: false }, valueKeys)}`,
        )
        .join(' UNION ALL '),
    );
    const members = await this.readMembers(window.projectId, rows);
    return rows.map((row, i) => ({ valueKey: text(row.value_key), members: members[i] }));
  }

  /**
   * Some groups' rows of a window: with the days listed, the engine seeks the primary key per
   * (day, group) instead of walking every group of every day to keep a few; with the group index
   * (`SqlDialect.rollupGroupIndex`), one range of days per group.
   */
  private keyed(p: SqlParams, w: RollupWindow, valueKeys: string[]): string {
    const parts = windowParts(w);
    if (parts.length > 1)
      return `(${parts.map((part) => `(${this.keyed(p, { ...w, ...part, weeks: false }, valueKeys)})`).join(' OR ')})`;
    const days = this.sql.dialect.rollupGroupIndex ? null : daysOf(parts[0]);
    return (
      (days
        ? `project_id = ${p.add(w.projectId)} AND dimension = ${p.add(w.dimension)} ` +
          `AND day IN (${p.list(days)})`
        : this.within(p, w)) + ` AND value_key IN (${p.list(valueKeys)})`
    );
  }

  private within(p: SqlParams, w: RollupWindow): string {
    // Each part names the whole key prefix: SQLite then seeks each one (a multi-index OR),
    // where the project outside the parentheses made it walk every row of the project.
    const part = (r: WindowPart) =>
      `project_id = ${p.add(w.projectId)} AND dimension = ${p.add(r.dimension)} ` +
      `AND day >= ${p.add(r.fromDay)} AND day <= ${p.add(r.toDay)}`;
    const parts = windowParts(w);
    return parts.length === 1
      ? part(parts[0])
      : `(${parts.map((r) => `(${part(r)})`).join(' OR ')})`;
  }

  private async storedOf(chunk: RollupDelta[]): Promise<Map<string, StoredCounts>> {
    const groups = new Map<string, RollupDelta[]>();
    for (const delta of chunk) {
      const group = `${delta.projectId}|${delta.day}`;
      groups.set(group, [...(groups.get(group) ?? []), delta]);
    }
    const stored = new Map<string, StoredCounts>();
    const { dialect } = this.sql;
    for (const deltas of groups.values()) {
      const { projectId, day } = deltas[0];
      const keys = pairs(deltas);
      const rows = await this.sql.rows<Record<string, unknown>>((p) =>
        dialect.joinsKeyRows
          ? // One locking seek of the whole key per listed key, in the listed (key) order: the
            // subquery's lock keeps the planner from turning it into a walk of the day.
            `SELECT r.* FROM unnest(` +
            `${p.add(keys.map(([d]) => d))}::varchar[], ` +
            `${p.add(keys.map(([, v]) => v))}::varchar[]) AS k (dimension, value_key) ` +
            `CROSS JOIN LATERAL (SELECT dimension, value_key, pageviews, members, segments ` +
            `FROM ${ROLLUP_TABLE} WHERE project_id = ${p.add(projectId)} ` +
            `AND dimension = k.dimension AND day = ${p.add(day)} AND value_key = k.value_key` +
            `${dialect.lockRows}) AS r`
          : dialect.seeksKeyPairs
            ? `SELECT dimension, value_key, pageviews, members, segments FROM ${ROLLUP_TABLE} ` +
              `WHERE project_id = ${p.add(projectId)} AND day = ${p.add(day)} ` +
              `AND (dimension, value_key) IN (VALUES ` +
              `${keys.map(([d, v]) => `(${p.add(d)}, ${p.add(v)})`).join(', ')})`
            : `SELECT dimension, value_key, pageviews, members, segments FROM ${ROLLUP_TABLE} ` +
              `WHERE project_id = ${p.add(projectId)} ` +
              `AND dimension IN (${p.list([...new Set(deltas.map((d) => d.dimension))])}) ` +
              `AND day = ${p.add(day)} ` +
              `AND value_key IN (${p.list([...new Set(deltas.map((d) => d.valueKey))])})` +
              (dialect.lockRows ? ` ORDER BY dimension, value_key${dialect.lockRows}` : ''),
      );
      for (const row of rows) {
        stored.set(rowKey(projectId, text(row.dimension), day, text(row.value_key)), {
          pageviews: row.pageviews,
          members: (row.members as Uint8Array | null) ?? null,
          segments: (row.segments as Uint8Array | null) ?? null,
        });
      }
    }
    return stored;
  }

  private async deleteRow(row: RollupDelta): Promise<void> {
    for (const table of [ROLLUP_SEGMENT_TABLE, ROLLUP_TABLE]) {
      await this.sql.run(
        (p) =>
          `DELETE FROM ${table} WHERE project_id = ${p.add(row.projectId)} ` +
          `AND dimension = ${p.add(row.dimension)} AND day = ${p.add(row.day)} ` +
          `AND value_key = ${p.add(row.valueKey)}`,
      );
    }
  }

  /**
   * The merged rows of deltas and their stored rows (none: a new row): each delta's ids are
   * merged into the segments they fall in, which are read (locked) first; a segment grown past
   * the limit is split. Returns the rows with the segments to write besides their heads.
   */
  private async merged(
    deltas: RollupDelta[],
    stored: Map<string, StoredCounts>,
  ): Promise<MergedRow[]> {
    const routes = deltas.map((delta) => {
      if (!delta.members) return null;
      const firstIds = segmentIds(stored.get(keyOf(delta))?.segments);
      return { firstIds, ids: routeIds(firstIds, delta.members) };
    });
    const wanted = deltas.flatMap((delta, i) =>
      [...(routes[i]?.ids.keys() ?? [])]
        .filter((firstId) => firstId !== 0)
        .map((firstId) => ({ delta, firstId })),
    );
    const segments = await this.segmentsOf(wanted, true);
    return deltas.map((delta, i) => {
      const before = stored.get(keyOf(delta));
      const route = routes[i];
      if (!route) {
        return { delta, pageviews: int(before?.pageviews) + delta.pageviews, members: null };
      }
      let head = before?.members ?? null;
      let added = 0;
      const firstIds = new Set(route.firstIds);
      const writes: MemberSegment[] = [];
      for (const [firstId, ids] of route.ids) {
        const old = firstId === 0 ? head : (segments.get(segmentKey(delta, firstId)) ?? null);
        const grown = mergeMembers(old, ids);
        const more = memberCount(grown) - memberCount(old);
        added += more;
        const parts = splitSegment({ firstId, members: grown });
        for (const part of parts) {
          firstIds.add(part.firstId);
          if (part.firstId === 0) head = part.members;
          // A segment that gained nothing (a returning visitor's next pageview) stays as it is.
          else if (more > 0 || parts.length > 1) writes.push(part);
        }
      }
      firstIds.delete(0);
      return {
        delta,
        pageviews: delta.countsMembers
          ? int(before?.pageviews) + added
          : int(before?.pageviews) + delta.pageviews,
        members: head ? Buffer.from(head) : null,
        segments: directoryOf([...firstIds].sort((a, b) => a - b)),
        writes,
      };
    });
  }

  /**
   * Some segments of some rows (not their heads), by row and first id; `lock`: read for update,
   * in key order (the ingest and the erasure, which hold the rows' heads already).
   */
  private async segmentsOf(
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
  private async wholeMembers(
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

  /** {@link wholeMembers} of rows as a read of the rollup table returns them. */
  private readMembers(
    projectId: number,
    rows: ReadonlyArray<Record<string, unknown>>,
  ): Promise<Array<Uint8Array | null>> {
    return this.wholeMembers(
      rows.map((row) => ({
        key: {
          projectId,
          dimension: text(row.dimension),
          day: text(row.day),
          valueKey: text(row.value_key),
        },
        head: (row.members as Uint8Array | null) ?? null,
        directory: (row.segments as Uint8Array | null) ?? null,
      })),
    );
  }

  /** Writes the segments (beyond the heads) of merged rows. */
  private async writeSegments(rows: readonly MergedRow[]): Promise<void> {
    const segments = rows.flatMap((row) =>
      (row.writes ?? []).map((segment) => ({ delta: row.delta, segment })),
    );
    for (let i = 0; i < segments.length; i += CHUNK) {
      await this.sql.run((p) =>
        this.sql.dialect.upsertReplace({
          insert:
            `INSERT INTO ${ROLLUP_SEGMENT_TABLE} (${SEGMENT_COLUMNS.join(', ')}) ` +
            this.sql.dialect.rowSource(
              p,
              SEGMENT_TYPES,
              segments
                .slice(i, i + CHUNK)
                .map(({ delta, segment }) => [
                  delta.projectId,
                  delta.dimension,
                  delta.day,
                  delta.valueKey,
                  segment.firstId,
                  segment.members,
                ]),
            ),
          key: [...KEY, 'first_id'],
          update: ['members'],
        }),
      );
    }
  }

  /** Deletes every segment (beyond the heads) of some rows. */
  private async deleteSegments(rows: readonly RollupDelta[]): Promise<void> {
    for (const where of segmentsWhere(rows.map((delta) => ({ delta, firstId: null })))) {
      await this.sql.run((p) => `DELETE FROM ${ROLLUP_SEGMENT_TABLE} WHERE ${where(p)}`);
    }
  }

  /**
   * Inserts rows whose key is free (a sum at zero is no row); returns the keys it inserted, so
   * rows a concurrent batch inserted first are left to the caller.
   */
  private async insertNew(rows: MergedRow[]): Promise<Set<string>> {
    const zero = new Set(rows.filter((row) => row.pageviews === 0 && row.members === null));
    const kept = rows.filter((row) => !zero.has(row));
    if (kept.length === 0) return new Set(rows.map((row) => keyOf(row.delta)));
    const inserted = await this.sql.rows<Record<string, unknown>>((p) =>
      this.sql.dialect.insertNewReturning(
        ROLLUP_TABLE,
        COLUMNS.join(', '),
        rowsOf(p, this.sql.dialect, kept),
        KEY.join(', '),
      ),
    );
    const keys = new Set(
      inserted.map((row) =>
        rowKey(int(row.project_id), text(row.dimension), text(row.day), text(row.value_key)),
      ),
    );
    // Rows at zero were never to be stored: nothing is left to do for them.
    for (const row of zero) keys.add(keyOf(row.delta));
    return keys;
  }

  /** Writes rows (their heads, replacing stored ones) and their segments. */
  private async write(rows: MergedRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.run((p) =>
      this.sql.dialect.upsertReplace({
        insert:
          `INSERT INTO ${ROLLUP_TABLE} (${COLUMNS.join(', ')}) ` +
          rowsOf(p, this.sql.dialect, rows),
        key: KEY,
        update: ['pageviews', 'members', 'segments'],
      }),
    );
    await this.writeSegments(rows);
  }
}

/**
 * Dimensions with a row per page, link, campaign…: a batch's rows of them are mostly its own.
 * The others (the day's total and sessions, device types, countries, week rows of those…) hold a
 * few rows that every batch of the day adds to.
 */
const OWN_ROW_DIMENSIONS = new Set(
  ['page', 'referrer_url', 'utm', 'place', ERROR_GROUP, LINK].flatMap((d) => [d, weekDimension(d)]),
);

const sharedRow = (delta: RollupDelta): boolean =>
  !OWN_ROW_DIMENSIONS.has(delta.dimension) &&
  !Object.values(LINK_BREAKDOWNS).some((prefix) => delta.dimension.startsWith(prefix));

/**
 * The order in which writers lock rows, in chunks of {@link CHUNK}: first the rows of dimensions
 * where each batch mostly has rows of its own, then the few rows every batch of the day shares,
 * each part in key order. A batch then holds the shared rows only for their own statements and
 * its commit, not while it reads and writes its hundreds of page rows: concurrent batches
 * (two queue workers) waited on each other for most of their merge before. One order for all
 * writers (ingest and erasure), so none can deadlock another. On an engine without row locks,
 * key order alone.
 */
function lockOrder(deltas: readonly RollupDelta[], dialect: SqlDialect): RollupDelta[][] {
  // Without row locks (SQLite: one writer at a time) the split would only add statements.
  const parts = dialect.lockRows
    ? [deltas.filter((d) => !sharedRow(d)), deltas.filter(sharedRow)]
    : [deltas];
  const chunks: RollupDelta[][] = [];
  for (const part of parts) {
    for (let i = 0; i < part.length; i += CHUNK) chunks.push(part.slice(i, i + CHUNK));
  }
  return chunks;
}

/**
 * The distinct (dimension, value_key) pairs of some deltas, in one order for every writer (code
 * unit order): a locking read takes them in this order (see `SqlDialect.joinsKeyRows`).
 */
function pairs(deltas: readonly RollupDelta[]): Array<[string, string]> {
  const unique = new Map(
    deltas.map((d): [string, [string, string]] => [
      `${d.dimension}\u0000${d.valueKey}`,
      [d.dimension, d.valueKey],
    ]),
  );
  return [...unique.values()].sort(([da, va], [db, vb]) =>
    da < db ? -1 : da > db ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
}

/** Rows as the dialect's row source of an `INSERT` (all of {@link COLUMNS}). */
function rowsOf(p: SqlParams, dialect: SqlDialect, rows: readonly MergedRow[]): string {
  return dialect.rowSource(
    p,
    COLUMN_TYPES,
    rows.map(({ delta, pageviews, members, segments }) => [
      delta.projectId,
      delta.dimension,
      delta.day,
      delta.valueKey,
      ...LABEL_COLUMNS.map((_, i) => delta.labels[i] ?? ''),
      pageviews,
      members,
      segments ?? null,
    ]),
  );
}

/** The gates' columns' types, as the dialects' `rowSource` takes them. */
const GATE_COLUMN_TYPES = ['integer', 'character varying'];

/** The gates of some project days, one condition per project (each a primary key seek). */
function gatesWhere(p: SqlParams, days: readonly GateDay[]): string {
  const byProject = new Map<number, string[]>();
  for (const { projectId, day } of days)
    byProject.set(projectId, [...(byProject.get(projectId) ?? []), day]);
  return [...byProject]
    .map(([projectId, list]) => `(project_id = ${p.add(projectId)} AND day IN (${p.list(list)}))`)
    .join(' OR ');
}

/** Most distinct groups {@link RollupRepository.grouped} ranks in one statement (placeholders). */
const CLIENT_GROUPS_MAX = 20_000;

/** Longest window whose days {@link RollupRepository.memberLists} lists one by one. */
const LISTED_DAYS = 400;

/**
 * The stored days of a window part, oldest first: every day, or every Monday of week rows
 * (`null` past {@link LISTED_DAYS}).
 */
function daysOf(part: WindowPart): string[] | null {
  const step = isWeekDimension(part.dimension) ? 7 : 1;
  const count = Math.floor(daysBetween(part.fromDay, part.toDay) / step) + 1;
  if (count < 1 || count > LISTED_DAYS) return null;
  return Array.from({ length: count }, (_, i) => addDays(part.fromDay, i * step));
}

const rowKey = (projectId: number, dimension: string, day: string, key: string): string =>
  `${projectId}|${day}|${dimension}|${key}`;

type RowKey = Pick<RollupDelta, 'projectId' | 'dimension' | 'day' | 'valueKey'>;

const keyOf = (delta: RowKey): string =>
  rowKey(delta.projectId, delta.dimension, delta.day, delta.valueKey);

const segmentKey = (delta: RowKey, firstId: number): string => `${keyOf(delta)}|${firstId}`;

/** Groups of rows (one project, dimension and day) per segment statement. */
const SEGMENT_GROUPS = 100;

/**
 * Conditions selecting some rows' segments, each for one statement: per project, dimension and
 * day, the rows wanted whole (`firstId` null) by key, the others by key and first id. Exact per
 * row, so a locking read never takes another row's segments. One condition per group of rows, at
 * most {@link SEGMENT_GROUPS} groups and {@link CHUNK} rows per statement: SQLite refuses an
 * expression nested more than 1,000 deep, which an `OR` per row reached (a rebuilt day).
 */
function segmentsWhere(
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

/** A row written whole: its list cut into a head and segments. */
function wholeRow(delta: RollupDelta, pageviews: number, members: Buffer | null): MergedRow {
  if (!members) return { delta, pageviews, members: null };
  const [head, ...rest] = segmentsOf(members);
  return {
    delta,
    pageviews,
    members: Buffer.from(head.members),
    segments: directoryOf(rest.map((segment) => segment.firstId)),
    writes: rest,
  };
}

/** A stored row's counts as the merge reads them. */
interface StoredCounts {
  pageviews: unknown;
  /** Its first segment (see member-segments.ts). */
  members: Uint8Array | null;
  /** The first ids of its other segments. */
  segments: Uint8Array | null;
}

/** A row's new counts: its delta added to the stored row (none: the delta alone). */
interface MergedRow {
  delta: RollupDelta;
  pageviews: number;
  /** Its first segment. */
  members: Buffer | null;
  /** The directory of its other segments. */
  segments?: Buffer | null;
  /** Its other segments to write (new or changed ones). */
  writes?: MemberSegment[];
}
