import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { int, text } from '../storage/sql/sql-values';
import type { RollupWindow } from './rollup.types';
import { LABEL_COLUMNS } from './rollup.dimensions';
import { addDays, daysBetween } from '../common/time/zoned-time.util';
import { isWeekDimension, windowParts, type WindowPart } from './rollup-weeks';
import { RollupSegmentsReader } from './rollup-segments.reader';
import { ROLLUP_TABLE } from './rollup.tables';

/** Most distinct groups {@link RollupReader.grouped} ranks in one statement (placeholders). */
const CLIENT_GROUPS_MAX = 20_000;

/** Longest window whose days {@link RollupReader.memberLists} lists one by one. */
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

/** A stored rollup row as the reads use it. */
export interface StoredRollup {
  day: string;
  valueKey: string;
  labels: string[];
  pageviews: number;
  members: Uint8Array | null;
}

/**
 * The reads of the rollup tables the analytics answer from, on any {@link SqlRunner}: sums,
 * groups and member lists of a window's rows.
 */
export class RollupReader {
  private readonly segments: RollupSegmentsReader;

  constructor(private readonly sql: SqlRunner) {
    this.segments = new RollupSegmentsReader(sql);
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

  /** {@link RollupSegmentsReader.wholeMembers} of rows as a read of the rollup table returns them. */
  private readMembers(
    projectId: number,
    rows: ReadonlyArray<Record<string, unknown>>,
  ): Promise<Array<Uint8Array | null>> {
    return this.segments.wholeMembers(
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
}
