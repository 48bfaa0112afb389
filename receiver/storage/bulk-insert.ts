import type { EntityManager, ObjectLiteral } from 'typeorm';
import { dialectOf } from './dialect';

/**
 * One multi-row `INSERT` as a single prepared statement. TypeORM's query builder spends most of
 * a batch in its per-parameter bookkeeping (quadratic in the number of values); here the entity
 * metadata still names the table and columns, and the driver's own `preparePersistentValue`
 * still converts every value (transformers, dates, booleans), so rows mean exactly what they mean
 * through the ORM. With `ignoreDuplicates`, rows hitting a unique key are skipped
 * (`OR IGNORE` / `ON CONFLICT DO NOTHING` / `IGNORE`).
 */
export async function insertRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => T,
  rows: object[],
  options: { ignoreDuplicates?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const { connection } = manager;
  const { driver } = connection;
  const metadata = connection.getMetadata(entity);
  const dialect = dialectOf(connection);
  const first = rows[0] as Record<string, unknown>;
  const columns = metadata.columns.filter(
    (column) => !column.isGenerated && column.propertyName in first,
  );
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const values = columns.map((column) => {
      const value = (row as Record<string, unknown>)[column.propertyName];
      parameters.push(driver.preparePersistentValue(value, column));
      return dialect === 'postgres' ? `$${parameters.length}` : '?';
    });
    return `(${values.join(', ')})`;
  });
  const ignore = options.ignoreDuplicates === true;
  const verb =
    ignore && dialect === 'sqlite'
      ? 'INSERT OR IGNORE'
      : ignore && dialect === 'mysql'
        ? 'INSERT IGNORE'
        : 'INSERT';
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const conflict = ignore && dialect === 'postgres' ? ' ON CONFLICT DO NOTHING' : '';
  await manager.query(
    `${verb} INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${tuples.join(', ')}${conflict}`,
    parameters,
  );
}

/** {@link insertRows} skipping rows that hit a unique key. */
export const insertIgnore = <T extends ObjectLiteral>(
  manager: EntityManager,
  entity: new () => T,
  rows: object[],
): Promise<void> => insertRows(manager, entity, rows, { ignoreDuplicates: true });
