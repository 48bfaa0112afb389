import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { SqlBinding, SqlParams } from './sql-params';

/** The three SQL families the receiver reads and writes. */
export type SqlEngine = 'sqlite' | 'postgres' | 'mysql';

/**
 * Maps a TypeORM driver type onto the receiver's engines. Only the dialects below and the
 * migrations' column builder branch on it: everything else asks its {@link SqlDialect}.
 */
export function engineOf(source: DataSource | EntityManager | QueryRunner): SqlEngine {
  const type = ('connection' in source ? source.connection : source).options.type;
  switch (type) {
    case 'better-sqlite3':
      return 'sqlite';
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    default:
      throw new Error(`Receiver storage does not support the "${type}" database type`);
  }
}

/** A conflict-aware `INSERT … VALUES` (see {@link SqlDialect.upsertNewer}). */
export interface UpsertNewer {
  /** The `INSERT INTO table (columns) <rowSource>` part. */
  insert: string;
  /** Escaped table name (qualifies the stored row in the condition). */
  table: string;
  /** Escaped columns of the unique key the conflict is on. */
  key: string[];
  /** Escaped columns replaced on conflict. */
  update: string[];
  /** Escaped timestamp column: a stored row is only replaced by one at least as new. */
  newer: string;
}

/** An `INSERT … VALUES` that merges a conflicting row column by column (see {@link SqlDialect.upsertMerge}). */
export interface UpsertMerge {
  /** The `INSERT INTO table (columns) <rowSource>` part. */
  insert: string;
  /** Escaped table name (qualifies the stored row's columns). */
  table: string;
  /** Escaped columns of the unique key the conflict is on. */
  key: string[];
  /**
   * Per escaped column, its new value on conflict, from the stored value and the incoming one
   * (both given as SQL, e.g. `GREATEST(stored, incoming)`).
   */
  set: Record<string, (stored: string, incoming: string) => string>;
  /** Escaped columns the statement returns, for every row (inserted or merged). */
  returning: string[];
}

/**
 * Everything the receiver's SQL does differently per engine, reads and writes alike, in one
 * place (the "one query, per-backend implementation" seam). (Local days need no entry: their
 * UTC bounds are computed in JS and every engine compares plain instants.)
 */
export interface SqlDialect extends SqlBinding {
  readonly engine: SqlEngine;
  /** SQL yielding `later − earlier` in whole seconds. */
  secondsBetween(earlier: string, later: string): string;
  /**
   * SQL matching a link code case-insensitively through the unique index the schema has for it
   * (`LOWER(code)`, or the stored `code_ci` column on MySQL/MariaDB).
   */
  codeEquals(alias: string, placeholder: string): string;
  /**
   * Join keyword that keeps the fact table (written first) as the outer loop. SQLite's planner
   * otherwise loops over the small dimension table and probes the facts by dimension id, 4×
   * slower on a month of pageviews; `CROSS JOIN` fixes the order there (and only there: it
   * takes no ON clause on PostgreSQL, whose planner needs no help).
   */
  readonly factJoin: string;
  /**
   * The rows of a multi-row `INSERT`, bound through `params`: `VALUES (…), (…)`, or on
   * PostgreSQL `SELECT * FROM unnest($1::int4[], …)` — one array per column, so a batch of
   * thousands of rows is a short statement of a few parameters (half the server's and the
   * client's work per row of a multi-row `VALUES`, and no bound-parameter limit). `types` are the
   * columns' types as TypeORM's driver names them (`normalizeType`); a type without a known
   * array form falls back to `VALUES`.
   */
  rowSource(params: SqlParams, types: readonly string[], rows: readonly unknown[][]): string;
  /** `INSERT …` of a {@link rowSource} that skips rows hitting a unique key. */
  insertIgnore(table: string, columns: string, rows: string): string;
  /** `INSERT … SELECT …` that skips rows hitting a unique key (`select` yields `columns`). */
  insertIgnoreSelect(table: string, columns: string, select: string): string;
  /** `INSERT … VALUES …` that replaces a conflicting row only by a newer one. */
  upsertNewer(statement: UpsertNewer): string;
  /** `INSERT … VALUES …` that overwrites the `update` columns of a row hitting the `key`. */
  upsertReplace(statement: Omit<UpsertNewer, 'newer' | 'table'>): string;
  /**
   * `INSERT … VALUES …` that updates a row hitting the `key` by the `set` expressions and returns
   * the `returning` columns of every row, in one round trip and one row lock per row (no read
   * before the write).
   */
  upsertMerge(statement: UpsertMerge): string;
  /**
   * `INSERT …` of a {@link rowSource} that skips rows hitting a unique key and returns the
   * `returning` columns of the rows it inserted — only those: the caller learns which rows are
   * its own. For rows built from validated values only (see the MySQL implementation).
   */
  insertNewReturning(table: string, columns: string, rows: string, returning: string): string;
  /** SQL yielding the larger of two comparable values (`GREATEST`, SQLite's scalar `MAX`). */
  greatest(a: string, b: string): string;
  /**
   * Suffix of a `SELECT` whose rows the transaction rewrites from their read values (` FOR
   * UPDATE`); empty on SQLite, where a writing transaction already excludes every other writer.
   */
  readonly lockRows: string;
  /**
   * Suffix of a `SELECT` whose rows must not change (nor be locked alone) until the transaction
   * ends, while others may hold them the same way (` FOR SHARE`): the rollups' day gates that
   * concurrent ingest batches share. Empty on SQLite, as {@link lockRows}.
   */
  readonly shareRows: string;
  /**
   * Whether a locking read of a key that is not stored locks the gap it would go in (InnoDB's
   * repeatable read): two transactions that read then insert into one gap deadlock, so rows
   * must be created before they are read for update.
   */
  readonly lockingReadLocksGaps: boolean;
  /**
   * Whether summing many small rows into groups is cheaper in the client. MariaDB's `GROUP BY`
   * over a month of rollup rows goes through a temporary table, 3–4× the cost of scanning them;
   * the rollup reads then add the rows up themselves and ask the engine only to group and order
   * one row per distinct group by its collation (see RollupReader.grouped).
   */
  readonly sumsInClient: boolean;
  /**
   * Whether the rollups have a second index led by the group, `(project_id, dimension,
   * value_key, day)`, and reads of some groups over a window go through it with a day range.
   * PostgreSQL's planner, given the window's days and groups as two lists for the primary key
   * `(project_id, dimension, day, value_key)`, walked the whole window (or every day of the
   * project) filtering rows instead: 10× the cost of the few short ranges this index gives
   * (`EXPLAIN ANALYZE`, 20 pages × 31 days of 1M pageviews). The other engines seek the primary
   * key per listed (day, group) and keep one index less to write per rollup row.
   */
  readonly rollupGroupIndex: boolean;
  /**
   * Whether a locking read of many known keys seeks each one whole (the listed keys as arrays,
   * a locking subquery per key) rather than listing each key column's values. PostgreSQL, given
   * `dimension IN (…) AND value_key IN (…)` with statistics taken while the rollups were smaller,
   * walked the group index over every day of the dimension and filtered out the keys
   * (`EXPLAIN ANALYZE` of the ingest's merge: 7,000–10,000 rows and buffers per 500-key batch,
   * growing with the table; today's day is always newer than the statistics); a plain join of
   * the keys walked the whole day the same way. A locking subquery is never flattened into a
   * join: it is one seek of the whole key per listed key whatever the statistics say. The other engines seek the key lists as given.
   */
  readonly joinsKeyRows: boolean;
  /**
   * Whether a read of many known keys lists them as row values, `(dimension, value_key) IN
   * (VALUES (…), …)`: SQLite seeks the primary key once per listed pair. Given one list per key
   * column instead it seeks every combination of the two lists: an ingest batch's 10 dimensions
   * × 90 value keys were 900 seeks for 100 rows, the rollup read twice the time it takes now.
   */
  readonly seeksKeyPairs: boolean;
  /**
   * The statement refreshing a table's planner statistics after a bulk write, or `null` where
   * the engine needs none. PostgreSQL plans from statistics autovacuum refreshes at its own
   * pace: right after `rebuild-rollups` they still said the rollups table was empty, and month
   * reads sorted every row instead of hashing them into groups.
   */
  refreshStatistics(table: string): string | null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as UTC text; the year padded (a custom range may reach back to year 1). */
function utcText(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** `ON CONFLICT … DO UPDATE`, the same text on SQLite and PostgreSQL. */
const onConflictReplace = ({ insert, key, update }: Omit<UpsertNewer, 'newer' | 'table'>): string =>
  `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ` +
  update.map((column) => `${column} = excluded.${column}`).join(', ');

/** `ON CONFLICT … DO UPDATE … WHERE`, the same text on SQLite and PostgreSQL. */
const onConflictNewer = ({ insert, table, key, update, newer }: UpsertNewer): string =>
  `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ` +
  update.map((column) => `${column} = excluded.${column}`).join(', ') +
  ` WHERE ${table}.${newer} <= excluded.${newer}`;

/** `ON CONFLICT … DO UPDATE … RETURNING`, the same text on SQLite and PostgreSQL. */
const onConflictMerge = ({ insert, table, key, set, returning }: UpsertMerge): string =>
  `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ` +
  Object.entries(set)
    .map(([column, value]) => `${column} = ${value(`${table}.${column}`, `excluded.${column}`)}`)
    .join(', ') +
  ` RETURNING ${returning.join(', ')}`;

const onConflictNewReturning = (
  table: string,
  columns: string,
  rows: string,
  returning: string,
): string =>
  `INSERT INTO ${table} (${columns}) ${rows} ON CONFLICT DO NOTHING RETURNING ${returning}`;

/** `VALUES (…), (…)`: every engine's multi-row form. */
const valueRows = (params: SqlParams, _types: readonly string[], rows: readonly unknown[][]) =>
  `VALUES ${rows.map((row) => `(${params.list(row)})`).join(', ')}`;

/**
 * PostgreSQL array element type per column type (as TypeORM's driver normalizes it). Entities
 * declare timestamps without a zone, the schema stores `timestamptz`: the driver's values carry
 * their offset, so `timestamptz` reads them as the instants they are.
 */
const ARRAY_ELEMENTS: Readonly<Record<string, string>> = {
  integer: 'int4',
  bigint: 'int8',
  'character varying': 'varchar',
  text: 'text',
  boolean: 'bool',
  'double precision': 'float8',
  bytea: 'bytea',
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamptz',
};

const sqlite: SqlDialect = {
  engine: 'sqlite',
  placeholder: () => '?',
  instantParam: utcText,
  secondsBetween: (earlier, later) =>
    `CAST(ROUND((julianday(${later}) - julianday(${earlier})) * 86400) AS INTEGER)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
  factJoin: 'CROSS JOIN',
  rowSource: valueRows,
  insertIgnore: (table, columns, rows) => `INSERT OR IGNORE INTO ${table} (${columns}) ${rows}`,
  insertIgnoreSelect: (table, columns, select) => sqlite.insertIgnore(table, columns, select),
  upsertNewer: onConflictNewer,
  upsertReplace: onConflictReplace,
  upsertMerge: onConflictMerge,
  insertNewReturning: onConflictNewReturning,
  greatest: (a, b) => `MAX(${a}, ${b})`,
  lockRows: '',
  shareRows: '',
  lockingReadLocksGaps: false,
  sumsInClient: false,
  rollupGroupIndex: false,
  joinsKeyRows: false,
  seeksKeyPairs: true,
  refreshStatistics: () => null,
};

const postgres: SqlDialect = {
  engine: 'postgres',
  placeholder: (index) => `$${index}`,
  instantParam: utcText,
  secondsBetween: (earlier, later) => `CAST(EXTRACT(EPOCH FROM (${later} - ${earlier})) AS BIGINT)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
  factJoin: 'JOIN',
  rowSource: (params, types, rows) => {
    const elements = types.map((type) => ARRAY_ELEMENTS[type]);
    if (elements.some((element) => element === undefined)) return valueRows(params, types, rows);
    const arrays = elements.map(
      (element, column) => `${params.add(rows.map((row) => row[column]))}::${element}[]`,
    );
    return `SELECT * FROM unnest(${arrays.join(', ')})`;
  },
  insertIgnore: (table, columns, rows) =>
    `INSERT INTO ${table} (${columns}) ${rows} ON CONFLICT DO NOTHING`,
  insertIgnoreSelect: (table, columns, select) => postgres.insertIgnore(table, columns, select),
  upsertNewer: onConflictNewer,
  upsertReplace: onConflictReplace,
  upsertMerge: onConflictMerge,
  insertNewReturning: onConflictNewReturning,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  lockRows: ' FOR UPDATE',
  shareRows: ' FOR SHARE',
  lockingReadLocksGaps: false,
  sumsInClient: false,
  rollupGroupIndex: true,
  joinsKeyRows: true,
  seeksKeyPairs: false,
  refreshStatistics: (table) => `ANALYZE ${table}`,
};

const mysql: SqlDialect = {
  engine: 'mysql',
  placeholder: () => '?',
  instantParam: utcText,
  secondsBetween: (earlier, later) => `TIMESTAMPDIFF(SECOND, ${earlier}, ${later})`,
  codeEquals: (alias, placeholder) => `${alias}.code_ci = LOWER(${placeholder})`,
  factJoin: 'JOIN',
  // Not `INSERT IGNORE`: besides duplicates it turns every error into a warning and stores the
  // row altered (text truncated, numbers clamped, NOT NULL filled in). A no-op update skips
  // exactly the rows hitting a unique key; a bad value fails like on the other engines.
  rowSource: valueRows,
  // The column is qualified: a `SELECT` source may name columns of the same name.
  insertIgnore: (table, columns, rows) => {
    const first = `${table}.${columns.split(',')[0].trim()}`;
    return `INSERT INTO ${table} (${columns}) ${rows} ON DUPLICATE KEY UPDATE ${first} = ${first}`;
  },
  insertIgnoreSelect: (table, columns, select) => mysql.insertIgnore(table, columns, select),
  upsertNewer: ({ insert, update, newer }) => {
    const isNewer = `VALUES(${newer}) >= ${newer}`;
    // Assignments run left to right: the compared column must change last.
    const columns = [...update.filter((column) => column !== newer), newer];
    return (
      `${insert} ON DUPLICATE KEY UPDATE ` +
      columns.map((c) => `${c} = IF(${isNewer}, VALUES(${c}), ${c})`).join(', ')
    );
  },
  upsertReplace: ({ insert, update }) =>
    `${insert} ON DUPLICATE KEY UPDATE ` + update.map((c) => `${c} = VALUES(${c})`).join(', '),
  // MariaDB returns merged rows too. Assignments run left to right, each seeing the ones before:
  // callers' expressions only read their own column.
  upsertMerge: ({ insert, table, set, returning }) =>
    `${insert} ON DUPLICATE KEY UPDATE ` +
    Object.entries(set)
      .map(([column, value]) => `${column} = ${value(`${table}.${column}`, `VALUES(${column})`)}`)
      .join(', ') +
    ` RETURNING ${returning.join(', ')}`,
  // `INSERT IGNORE` is the one MariaDB form whose `RETURNING` leaves the skipped rows out (a no-op
  // `ON DUPLICATE KEY UPDATE` returns them as well). It would also store a bad value altered
  // instead of failing (see `insertIgnore`): callers pass server-built, validated rows and treat
  // a row that is neither returned nor found afterwards as a failure.
  insertNewReturning: (table, columns, rows, returning) =>
    `INSERT IGNORE INTO ${table} (${columns}) ${rows} RETURNING ${returning}`,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  lockRows: ' FOR UPDATE',
  shareRows: ' LOCK IN SHARE MODE',
  lockingReadLocksGaps: true,
  sumsInClient: true,
  rollupGroupIndex: false,
  joinsKeyRows: false,
  seeksKeyPairs: false,
  refreshStatistics: () => null,
};

const DIALECTS: Record<SqlEngine, SqlDialect> = { sqlite, postgres, mysql };

/** The SQL dialect of an engine, or of the engine behind a data source or transaction. */
export function sqlDialect(engine: SqlEngine | DataSource | EntityManager): SqlDialect {
  return DIALECTS[typeof engine === 'string' ? engine : engineOf(engine)];
}
