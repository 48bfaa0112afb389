import type { SqlDialect } from '../storage/sql/sql-dialect';
import type { RollupDelta } from './rollup-batch';
import { weekDimension } from './rollup-weeks';
import { ERROR_GROUP } from './error-day.facts';
import { LINK, LINK_BREAKDOWNS } from './link-click.facts';
import { CHUNK } from './rollup.tables';

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
export function lockOrder(deltas: readonly RollupDelta[], dialect: SqlDialect): RollupDelta[][] {
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
export function pairs(deltas: readonly RollupDelta[]): Array<[string, string]> {
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
