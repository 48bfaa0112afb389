import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { assertPackages, type PeerPackage } from '../../lib/packages/peer-packages';
import { RECEIVER_ENTITIES } from './entities';
import { RECEIVER_MIGRATIONS } from './migrations';
import { RECEIVER_MIGRATIONS_TABLE } from './storage.constants';
import { boundMysqlPool } from './mysql/mysql-pool.bounds';
import { boundPostgresPool } from './postgres/postgres-pool.bounds';
import { installStorageGuards } from './storage.guards';
import { SqliteWalCheckpointer } from './sqlite/sqlite-wal.checkpointer';

/**
 * Completes user-given TypeORM options with what the receiver relies on: its entities and
 * migrations, never `synchronize`, WAL on SQLite, and UTC on the wire for PostgreSQL and MySQL
 * (so stored timestamps are UTC whatever the server's local zone is).
 */
export function buildDataSourceOptions(
  options: DataSourceOptions,
  limits: StorageLimits = {},
): DataSourceOptions {
  const timeout = limits.queryTimeoutMs ?? 0;
  const common = {
    entities: RECEIVER_ENTITIES,
    migrations: RECEIVER_MIGRATIONS,
    migrationsTableName: RECEIVER_MIGRATIONS_TABLE,
    synchronize: false,
    migrationsRun: false,
  };
  switch (options.type) {
    case 'better-sqlite3': {
      if (options.database !== ':memory:')
        mkdirSync(dirname(options.database), { recursive: true });
      return {
        enableWAL: true,
        // No synchronous busy wait: it would block the event loop while another process holds
        // the write lock. The write path retries asynchronously instead (SqliteWritePath).
        timeout: 0,
        // Ingest batches run multi-row statements whose text changes with the batch's size; with
        // TypeORM's default of 100 prepared statements they kept evicting each other and were
        // compiled again on most batches.
        statementCacheSize: 1_000,
        // NORMAL is durable in WAL mode against process crashes (only an OS crash may lose the
        // last commits) and is several times faster than FULL.
        prepareDatabase: (db: { pragma(sql: string): unknown }) => {
          db.pragma('synchronous = NORMAL');
        },
        ...options,
        ...common,
      };
    }
    case 'postgres':
      return {
        ...options,
        ...common,
        extra: {
          options: '-c TimeZone=UTC',
          // Client-side: a frozen server cannot enforce its own statement_timeout. Waiting for
          // a pooled connection is bounded too (every one may be stuck on the hung server).
          ...(timeout > 0 ? { query_timeout: timeout, connectionTimeoutMillis: timeout } : {}),
          ...(options.extra as object | undefined),
        },
      };
    case 'mysql':
    case 'mariadb':
      return {
        timezone: 'Z',
        charset: 'utf8mb4_bin',
        ...(timeout > 0
          ? { enableQueryTimeout: true, maxQueryExecutionTime: timeout, connectTimeout: timeout }
          : {}),
        ...options,
        ...common,
      };
    default:
      return { ...options, ...common };
  }
}

/** Bounds the receiver puts on its own connections (not on a connection the application lends). */
export interface StorageLimits {
  /**
   * Longest one PostgreSQL/MySQL query, or the wait for a pooled connection, may take before it
   * fails (a storage fault: 503 with `Retry-After`); `0` or absent: no limit (migrations).
   */
  queryTimeoutMs?: number;
}

/** The driver package of each database type the receiver supports (all optional peers). */
const DRIVER_PACKAGES: Partial<Record<DataSourceOptions['type'], PeerPackage>> = {
  'better-sqlite3': 'better-sqlite3',
  postgres: 'pg',
  mysql: 'mysql2',
  mariadb: 'mysql2',
};

/**
 * Creates and initialises a data source for the receiver (migrations are run by the caller), with
 * the receiver's write path installed ({@link installStorageGuards}) and, on a SQLite file, its WAL
 * checkpointed off the event loop ({@link SqliteWalCheckpointer}).
 */
export async function createReceiverDataSource(
  options: DataSourceOptions,
  limits: StorageLimits = {},
): Promise<DataSource> {
  const driver = DRIVER_PACKAGES[options.type];
  // TypeORM's own message names no version, and better-sqlite3's newest major needs Node 22.
  if (driver) assertPackages([driver], `The receiver's ${options.type} database`);
  const dataSource = new DataSource(buildDataSourceOptions(options, limits));
  await dataSource.initialize();
  const timeout = limits.queryTimeoutMs ?? 0;
  if ((options.type === 'mysql' || options.type === 'mariadb') && timeout > 0) {
    boundMysqlPool(dataSource, timeout);
  }
  if (options.type === 'postgres' && timeout > 0) boundPostgresPool(dataSource);
  installStorageGuards(dataSource);
  SqliteWalCheckpointer.attach(dataSource);
  return dataSource;
}
