import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { sqlDialect, type SqlDialect } from './sql-dialect';
import { type InsertConflict, insertStatement } from './sql-insert';
import { SqlParams } from './sql-params';

/** Writes one statement: receives the parameter collector, returns the SQL text. */
export type SqlBuilder = (params: SqlParams) => string;

type EntityClass = new () => ObjectLiteral;

/** Bound values per statement: below SQLite's 32 766, PostgreSQL's and MySQL's 65 535. */
const VALUES_PER_STATEMENT = 30_000;
/** Rows per statement: longer statements no longer pay off (text building, parsing). */
const MAX_ROWS_PER_STATEMENT = 1_000;

/**
 * The receiver's one way to run hand-written SQL, for reads (analytics, link lookups) and writes
 * (the ingest batches) alike: on the data source, or on a batch's transaction. Statements are
 * built by a {@link SqlBuilder} that binds every value through {@link SqlParams}; what differs
 * per engine is asked of {@link dialect}. Table and column names come from the entity metadata,
 * and written values go through the driver's own conversion, so every engine stores the same
 * thing the ORM would. A read is just a builder: a caller may pick which table answers (raw rows
 * or a rollup) inside it without the runner knowing.
 */
export class SqlRunner {
  readonly dialect: SqlDialect;
  private readonly source: DataSource;

  constructor(private readonly target: DataSource | EntityManager) {
    this.source = 'connection' in target ? target.connection : target;
    this.dialect = sqlDialect(this.source);
  }

  /** Rows of one statement, as the driver returns them. */
  async rows<T = Record<string, unknown>>(build: SqlBuilder): Promise<T[]> {
    return (await this.run(build)) as T[];
  }

  /** First row of one statement (aggregates always return one). */
  async row<T = Record<string, unknown>>(build: SqlBuilder): Promise<T> {
    const [first] = await this.rows<T>(build);
    return first;
  }

  /** Runs one statement (an `UPDATE`, a `DELETE`…) and returns the driver's raw result. */
  run<T = unknown>(build: SqlBuilder): Promise<T> {
    const params = new SqlParams(this.dialect);
    const text = build(params);
    return this.target.query(text, params.values);
  }

  /** Inserts `rows` of `entity` in one statement; `conflict` says what a unique-key hit does. */
  async insert(
    entity: EntityClass,
    rows: readonly object[],
    conflict: InsertConflict = { kind: 'fail' },
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.run((p) => insertStatement(this.source, this.dialect, entity, rows, conflict, p));
  }

  /**
   * Inserts any number of rows of `entity` as multi-row statements, each as long as the engines'
   * bound-value limits allow (a bulk load: an import page, a benchmark's seed). Run it in a
   * transaction to write them all or none.
   */
  async insertAll(
    entity: EntityClass,
    rows: readonly object[],
    conflict: InsertConflict = { kind: 'fail' },
  ): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]).length;
    const perStatement = Math.max(
      1,
      Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(VALUES_PER_STATEMENT / columns)),
    );
    for (let start = 0; start < rows.length; start += perStatement)
      await this.insert(entity, rows.slice(start, start + perStatement), conflict);
  }

  /** {@link insert} with a `RETURNING` conflict (`new`, `merge`): the rows it returns. */
  async insertReturning<T = Record<string, unknown>>(
    entity: EntityClass,
    rows: readonly object[],
    conflict: Extract<InsertConflict, { returning: string[] }>,
  ): Promise<T[]> {
    if (rows.length === 0) return [];
    return this.run((p) => insertStatement(this.source, this.dialect, entity, rows, conflict, p));
  }

  /** {@link insert} skipping rows that hit a unique key. */
  insertIgnore(entity: EntityClass, rows: readonly object[]): Promise<void> {
    return this.insert(entity, rows, { kind: 'ignore' });
  }

  /** Escaped table name of an entity. */
  table(entity: EntityClass): string {
    return this.source.driver.escape(this.source.getMetadata(entity).tableName);
  }

  /** Escaped name of any identifier (a column named like a keyword, e.g. `key`). */
  escape(name: string): string {
    return this.source.driver.escape(name);
  }

  /** A value as the driver stores it in `entity.property` (dates, booleans, JSON). */
  value(entity: EntityClass, property: string, value: unknown): unknown {
    return this.source.driver.preparePersistentValue(value, this.column(entity, property));
  }

  /** A raw value read from `entity.property`, as an entity read would hydrate it. */
  hydrate(entity: EntityClass, property: string, raw: unknown): unknown {
    return this.source.driver.prepareHydratedValue(raw, this.column(entity, property));
  }

  private column(entity: EntityClass, property: string): ColumnMetadata {
    const column = this.source.getMetadata(entity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`${entity.name} has no column ${property}`);
    return column;
  }
}
