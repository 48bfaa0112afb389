import type { TableColumnOptions } from 'typeorm';
import type { SqlEngine } from '../sql/sql-dialect';

/**
 * Column builders that hide the dialect differences of the schema migration. Timestamps: SQLite
 * `datetime` text and MySQL `datetime` both hold UTC (the receiver's connections write UTC), and
 * PostgreSQL uses `timestamptz` (an instant, rendered in the session zone, set to UTC).
 */
export class SchemaColumns {
  constructor(private readonly dialect: SqlEngine) {}

  id(big = false): TableColumnOptions {
    return {
      name: 'id',
      type: this.dialect === 'sqlite' ? 'integer' : big ? 'bigint' : 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    };
  }

  int(name: string, options: { nullable?: boolean; big?: boolean; default?: number } = {}) {
    return this.column(name, options.big && this.dialect !== 'sqlite' ? 'bigint' : 'integer', {
      isNullable: options.nullable ?? false,
      default: options.default,
    });
  }

  double(name: string): TableColumnOptions {
    return this.column(name, 'double precision', { isNullable: true });
  }

  string(name: string, length: number, defaultValue?: string, nullable = false) {
    return this.column(name, 'varchar', {
      length: String(length),
      isNullable: nullable,
      default: defaultValue === undefined ? undefined : `'${defaultValue}'`,
    });
  }

  /** Long text (JSON documents, stack traces). MySQL `TEXT` stops at 64 KB, hence MEDIUMTEXT. */
  text(name: string, nullable = false): TableColumnOptions {
    return this.column(name, this.dialect === 'mysql' ? 'mediumtext' : 'text', {
      isNullable: nullable,
    });
  }

  /** Bytes (nullable): `blob`, `bytea`, or MEDIUMBLOB on MySQL (BLOB stops at 64 KB). */
  blob(name: string): TableColumnOptions {
    const type = { sqlite: 'blob', postgres: 'bytea', mysql: 'mediumblob' }[this.dialect];
    return this.column(name, type, { isNullable: true });
  }

  bool(name: string, defaultValue: boolean): TableColumnOptions {
    const literal = this.dialect === 'postgres' ? String(defaultValue) : defaultValue ? '1' : '0';
    return this.column(name, 'boolean', { default: literal });
  }

  time(name: string, nullable = false): TableColumnOptions {
    const type = this.dialect === 'postgres' ? 'timestamptz' : 'datetime';
    return this.column(name, type, { isNullable: nullable });
  }

  private column(
    name: string,
    type: string,
    extra: Partial<TableColumnOptions> = {},
  ): TableColumnOptions {
    const options: TableColumnOptions = { name, type, isNullable: false, ...extra };
    if (options.default === undefined) delete (options as { default?: unknown }).default;
    return options;
  }
}
