import type { DataSource, ObjectLiteral } from 'typeorm';
import { SqlRunner } from '../storage/sql/sql-runner';
import { isStorageFault } from '../storage/storage-fault';
import type { DimensionKey } from './micrologs-import.steps';

type EntityClass = new () => ObjectLiteral;

/** Values per look-up statement (`IN (…)`). */
const LOOKUP_CHUNK = 5_000;

/** The natural key of a row (or of a stored row) as one string. */
export const keyOf = (columns: readonly string[], row: Record<string, unknown>): string =>
  columns.map((column) => String(row[column])).join('\u0001');

/**
 * Writes the import into the receiver: multi-row inserts (up to a thousand rows per statement,
 * a whole page per transaction), and the look-ups that tell which rows are already there. A
 * page the database refuses is split in halves until the refused rows stand alone: they are
 * skipped and counted, the rest is written. A storage fault (database gone, disk full) is not a
 * refused row: it ends the import, which a re-run resumes.
 */
export class ImportBatchWriter {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts `rows` (skipping unique-key hits); returns how many rows the database refused. */
  async insert(entity: EntityClass, rows: Record<string, unknown>[]): Promise<number> {
    if (rows.length === 0) return 0;
    try {
      await this.dataSource.transaction((manager) =>
        new SqlRunner(manager).insertAll(entity, rows, { kind: 'ignore' }),
      );
      return 0;
    } catch (error) {
      if (isStorageFault(error)) throw error;
      if (rows.length === 1) return 1;
      const half = Math.ceil(rows.length / 2);
      return (
        (await this.insert(entity, rows.slice(0, half))) +
        (await this.insert(entity, rows.slice(half)))
      );
    }
  }

  /** The `event_id`s among `ids` that the table already holds. */
  async existingEvents(entity: EntityClass, ids: string[]): Promise<Set<string>> {
    const sql = new SqlRunner(this.dataSource);
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
      const rows = await sql.rows<{ event_id: string }>(
        (p) =>
          `SELECT event_id FROM ${sql.table(entity)} ` +
          `WHERE event_id IN (${p.list(ids.slice(start, start + LOOKUP_CHUNK))})`,
      );
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  }

  /** Receiver ids of the stored rows having the natural key of one of `rows`, by {@link keyOf}. */
  async dimensionIds(
    entity: EntityClass,
    key: DimensionKey,
    rows: Record<string, unknown>[],
  ): Promise<Map<string, number>> {
    const sql = new SqlRunner(this.dataSource);
    const ids = new Map<string, number>();
    const projects = [...new Set(rows.map((row) => row.project_id))];
    const narrow =
      key.narrow === 'project_id' ? [null] : [...new Set(rows.map((row) => row[key.narrow]))];
    const columns = ['id', ...key.columns].map((column) => sql.escape(column)).join(', ');
    for (let start = 0; start < narrow.length; start += LOOKUP_CHUNK) {
      const values = narrow.slice(start, start + LOOKUP_CHUNK);
      const stored = await sql.rows((p) => {
        const byProject = `project_id IN (${p.list(projects)})`;
        const byKey =
          key.narrow === 'project_id'
            ? ''
            : ` AND ${sql.escape(key.narrow)} IN (${p.list(values)})`;
        return `SELECT ${columns} FROM ${sql.table(entity)} WHERE ${byProject}${byKey}`;
      });
      for (const row of stored) ids.set(keyOf(key.columns, row), Number(row.id));
    }
    return ids;
  }
}
