import type { DataSource, ObjectLiteral } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { SqlDialect } from './sql-dialect';
import type { SqlParams } from './sql-params';

/** How an `INSERT` treats rows that hit a unique key. */
export type InsertConflict =
  | { kind: 'fail' }
  | { kind: 'ignore' }
  | {
      kind: 'newer';
      /** Properties of the unique key the conflict is on. */
      key: string[];
      /** Properties replaced on conflict. */
      update: string[];
      /** Timestamp property: a stored row only gives way to one at least as new. */
      newer: string;
    }
  | {
      /** Rows hitting a unique key are skipped; the statement returns the inserted ones only. */
      kind: 'new';
      /** Properties returned. */
      returning: string[];
    }
  | {
      /** A stored row is updated column by column; the statement returns every row. */
      kind: 'merge';
      /** Properties of the unique key the conflict is on. */
      key: string[];
      /** Per property, its new value from the stored and the incoming value (SQL). */
      set: Record<string, (stored: string, incoming: string) => string>;
      /** Properties returned. */
      returning: string[];
    };

/**
 * One multi-row `INSERT` as a single statement (rows as the dialect's `rowSource`). TypeORM's query builder spends most of a batch
 * in its per-parameter bookkeeping (quadratic in the number of values); here the entity metadata
 * still names the table and columns, and the driver's own `preparePersistentValue` still converts
 * every value (transformers, dates, booleans), so rows mean exactly what they mean through the
 * ORM. What differs per engine (skipping or replacing conflicting rows) comes from the dialect.
 */
export function insertStatement(
  source: DataSource,
  dialect: SqlDialect,
  entity: new () => ObjectLiteral,
  rows: readonly object[],
  conflict: InsertConflict,
  params: SqlParams,
): string {
  const { driver } = source;
  const metadata = source.getMetadata(entity);
  const first = rows[0] as Record<string, unknown>;
  const columns = metadata.columns.filter(
    (column) => !column.isGenerated && column.propertyName in first,
  );
  const prepare = columns.map((column) => persistentValue(driver, column));
  const values = rows.map((row) =>
    columns.map((column, i) => prepare[i]((row as Record<string, unknown>)[column.propertyName])),
  );
  const rowSource = dialect.rowSource(
    params,
    columns.map((column) => driver.normalizeType(column)),
    values,
  );
  const table = driver.escape(metadata.tableName);
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const escape = (property: string): string => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${entity.name} has no column ${property}`);
    return driver.escape(column.databaseName);
  };
  switch (conflict.kind) {
    case 'fail':
      return `INSERT INTO ${table} (${names}) ${rowSource}`;
    case 'ignore':
      return dialect.insertIgnore(table, names, rowSource);
    case 'newer':
      return dialect.upsertNewer({
        insert: `INSERT INTO ${table} (${names}) ${rowSource}`,
        table,
        key: conflict.key.map(escape),
        update: conflict.update.map(escape),
        newer: escape(conflict.newer),
      });
    case 'new':
      return dialect.insertNewReturning(
        table,
        names,
        rowSource,
        conflict.returning.map(escape).join(', '),
      );
    case 'merge':
      return dialect.upsertMerge({
        insert: `INSERT INTO ${table} (${names}) ${rowSource}`,
        table,
        key: conflict.key.map(escape),
        set: Object.fromEntries(
          Object.entries(conflict.set).map(([property, value]) => [escape(property), value]),
        ),
        returning: conflict.returning.map(escape),
      });
  }
}

/**
 * The driver's conversion of one column's values, each distinct time converted once per
 * statement: batches repeat the same few times in every row (a report's collection and arrival
 * times in each of its samples), and formatting a date is most of what converting a row costs.
 * Only for columns without a transformer, whose result depends on the time alone.
 */
function persistentValue(driver: Driver, column: ColumnMetadata): (value: unknown) => unknown {
  const convert = (value: unknown): unknown => driver.preparePersistentValue(value, column);
  if (column.transformer) return convert;
  const times = new Map<number, unknown>();
  return (value) => {
    if (!(value instanceof Date)) return convert(value);
    const time = value.getTime();
    if (!times.has(time)) times.set(time, convert(value));
    return times.get(time);
  };
}
