import type { EntityManager, ObjectLiteral } from 'typeorm';
import { dialectOf, type SqlDialect } from './dialect';

/**
 * Small hand-written statements of the batch path (an `UPDATE … WHERE id IN (…)`, a narrow
 * `SELECT`), run as prepared statements on the batch's transaction. The query builder costs more
 * than the statement itself at this size; names still come from the entity metadata and values
 * still go through the driver's own conversion, so every engine stores the same thing.
 */
export class BatchSql {
  private readonly dialect: SqlDialect;

  constructor(private readonly manager: EntityManager) {
    this.dialect = dialectOf(manager.connection);
  }

  /** Escaped table name of an entity. */
  table(entity: new () => ObjectLiteral): string {
    return this.manager.connection.driver.escape(
      this.manager.connection.getMetadata(entity).tableName,
    );
  }

  /** A value as the driver stores it in `entity.property` (dates, booleans, JSON). */
  value(entity: new () => ObjectLiteral, property: string, value: unknown): unknown {
    const column = this.manager.connection.getMetadata(entity).findColumnWithPropertyName(property);
    if (!column) throw new Error(`${entity.name} has no column ${property}`);
    return this.manager.connection.driver.preparePersistentValue(value, column);
  }

  /** `?, ?, ?` for a list of values (numbered for PostgreSQL by {@link run}). */
  list(values: readonly unknown[]): string {
    return values.map(() => '?').join(', ');
  }

  /** Runs `text` with `?` placeholders (rewritten to `$1…` on PostgreSQL). */
  run<T = unknown>(text: string, parameters: unknown[]): Promise<T> {
    let n = 0;
    const statement = this.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
    return this.manager.query(statement, parameters);
  }
}
