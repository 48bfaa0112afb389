import type { DataSource } from 'typeorm';
import { SqliteWritePath } from './sqlite/sqlite-write.path';
import { storageOutageOf } from './storage-outage.monitor';

/** The shared manager's methods that write (each may run several statements). */
const WRITE_METHODS = [
  'transaction',
  'save',
  'remove',
  'softRemove',
  'recover',
  'insert',
  'update',
  'upsert',
  'delete',
  'softDelete',
  'restore',
  'increment',
  'decrement',
  'clear',
] as const;

type Method = (...args: unknown[]) => Promise<unknown>;

const guarded = new WeakSet<DataSource>();
const sqliteWritePaths = new WeakMap<DataSource, SqliteWritePath>();

/** The write path of a SQLite data source the guards were installed on. */
export function sqliteWritePathOf(dataSource: DataSource): SqliteWritePath | undefined {
  return sqliteWritePaths.get(dataSource);
}

/**
 * Puts the receiver's write path on a data source, once, whoever created it (the receiver, the
 * CLI, or the application that lent its connection): on SQLite every write goes through the one
 * {@link SqliteWritePath}; on every engine each write reports its outcome to the storage outage
 * monitor, so an outage is logged once when it starts and once when a write succeeds again.
 * Callers keep using `dataSource.transaction()` and repositories as usual.
 */
export function installStorageGuards(dataSource: DataSource): void {
  if (guarded.has(dataSource)) return;
  guarded.add(dataSource);
  const outage = storageOutageOf(dataSource);
  const sqlite =
    dataSource.options.type === 'better-sqlite3' ? new SqliteWritePath(dataSource) : undefined;
  if (sqlite) {
    sqliteWritePaths.set(dataSource, sqlite);
    const driver = dataSource.driver as unknown as {
      queryRunner?: Parameters<SqliteWritePath['patchRunner']>[0];
      createQueryRunner(mode?: string): Parameters<SqliteWritePath['patchRunner']>[0];
    };
    if (driver.queryRunner) sqlite.patchRunner(driver.queryRunner);
    const createQueryRunner = driver.createQueryRunner.bind(driver);
    driver.createQueryRunner = (mode) => {
      const runner = createQueryRunner(mode);
      sqlite.patchRunner(runner);
      return runner;
    };
  }
  const manager = dataSource.manager as unknown as Record<string, Method>;
  for (const name of WRITE_METHODS) {
    const original = manager[name].bind(manager);
    manager[name] = async (...args) => {
      try {
        const result = await (sqlite ? sqlite.write(() => original(...args)) : original(...args));
        outage.succeeded();
        return result;
      } catch (error) {
        outage.failed(error);
        throw error;
      }
    };
  }
}
