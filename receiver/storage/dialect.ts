import type { DataSource, QueryRunner } from 'typeorm';

/** The three SQL families the receiver writes for. */
export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

/**
 * Maps a TypeORM driver type onto the receiver's dialects. Where SQL differs by engine, callers
 * branch on this one value (the "one query, per-backend implementation" seam).
 */
export function dialectOf(source: DataSource | QueryRunner): SqlDialect {
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
