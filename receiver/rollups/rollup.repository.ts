import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import type { SqlDialect } from '../storage/sql/sql-dialect';
import { int, text } from '../storage/sql/sql-values';
import { decodeMembers, encodeMembers, memberCount, mergeMembers } from './member-list';
import {
  directoryOf,
  type MemberSegment,
  routeIds,
  segmentIds,
  segmentsOf,
  splitSegment,
} from './member-segments';
import type { RollupDelta } from './rollup-batch';
import { LABEL_COLUMNS } from './rollup.dimensions';
import { RollupGatesRepository } from './rollup-gates.repository';
import { lockOrder, pairs } from './rollup-lock-order';
import { RollupSegmentsReader, segmentsWhere } from './rollup-segments.reader';
import {
  CHUNK,
  KEY,
  keyOf,
  ROLLUP_SEGMENT_TABLE,
  ROLLUP_TABLE,
  rowKey,
  segmentKey,
} from './rollup.tables';

/**
 * The per-project lock rows earlier versions serialised ingest batches with (outside every
 * window): still skipped where rows are listed, as databases may hold them.
 */
const GATE_DIMENSION = 'session_gate';
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
 * The writes of the rollup tables, on any {@link SqlRunner} (the data source, an ingest batch's
 * transaction, a rebuild's). Writes come in two kinds: the ingest merges deltas into stored rows
 * (read with a row lock, union of ids, written back), the rebuild replaces whole rows.
 */
export class RollupRepository {
  private readonly gates: RollupGatesRepository;
  private readonly segments: RollupSegmentsReader;

  constructor(private readonly sql: SqlRunner) {
    this.gates = new RollupGatesRepository(sql);
    this.segments = new RollupSegmentsReader(sql);
  }

  /**
   * Adds deltas to the stored rows (the ingest), reading each stored row with a row lock so two
   * receivers writing the same page and day queue up instead of losing each other's visitors;
   * rows are taken in one order ({@link lockOrder}), so they cannot deadlock. Rows not stored yet
   * are inserted whole.
   * Where a locking read of a missing key locks its gap (MariaDB), two batches inserting rows
   * into one gap would deadlock: there every row is first created empty, then read and written.
   * First it enters the gates of the rows' days shared ({@link RollupGatesRepository.enterDays};
   * a week row's day is its Monday), so it never interleaves with a recomputation of one of them.
   */
  async merge(deltas: RollupDelta[]): Promise<void> {
    const { dialect } = this.sql;
    await this.gates.enterDays(deltas, false);
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
    await this.gates.enterDays(deltas, false);
    for (const chunk of lockOrder(deltas, this.sql.dialect)) {
      const stored = await this.storedOf(chunk);
      const segmented = chunk.filter((delta) => stored.get(keyOf(delta))?.segments);
      const wholes = await this.segments.wholeMembers(
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
    const segments = await this.segments.segmentsOf(wanted, true);
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
