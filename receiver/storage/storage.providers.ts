import { Logger, type Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { createReceiverDataSource } from './data-source.factory';
import { RECEIVER_DATA_SOURCE, RECEIVER_EXISTING_DATA_SOURCE } from './storage.constants';
import { installStorageGuards, sqliteWritePathOf } from './storage.guards';

const StorageMessages = {
  connectionNotFound: (name: string): string =>
    `ReceiverModule: no TypeORM connection named "${name}" is registered. Register it with ` +
    `TypeOrmModule.forRoot({ name: '${name}', entities: RECEIVER_ENTITIES, migrations: RECEIVER_MIGRATIONS, ... })`,
  migrated: (count: number): string => `Applied ${count} receiver migration(s)`,
} as const;

/** Data sources the receiver created itself (and therefore closes on shutdown). */
export const ownedDataSources = new WeakSet<DataSource>();

async function resolveDataSource(
  options: ResolvedReceiverOptions,
  existing: DataSource | undefined,
): Promise<DataSource> {
  const logger = new Logger('ReceiverStorage');
  let dataSource: DataSource;
  if (typeof options.database === 'string') {
    if (!existing) throw new Error(StorageMessages.connectionNotFound(options.database));
    dataSource = existing;
    if (!dataSource.isInitialized) await dataSource.initialize();
    installStorageGuards(dataSource);
    if (options.migrationsRun) await migrate(dataSource, logger);
    return dataSource;
  }
  const limits = { queryTimeoutMs: options.databaseQueryTimeoutMs };
  const bounded = options.database.type !== 'better-sqlite3' && limits.queryTimeoutMs > 0;
  if (options.migrationsRun && bounded) {
    // Migrations may rebuild big tables: they run on a connection without the query timeout.
    const unbounded = await createReceiverDataSource(options.database);
    try {
      await migrate(unbounded, logger);
    } finally {
      await unbounded.destroy();
    }
  }
  dataSource = await createReceiverDataSource(options.database, limits);
  ownedDataSources.add(dataSource);
  if (options.migrationsRun && !bounded) await migrate(dataSource, logger);
  // After the migrations: they set pragmas on the main connection and expect their writes there.
  if (options.sqliteWriter === 'thread') sqliteWritePathOf(dataSource)?.useWriterThread();
  return dataSource;
}

async function migrate(dataSource: DataSource, logger: Logger): Promise<void> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) logger.log(StorageMessages.migrated(applied.length));
}

export const receiverDataSourceProvider: Provider = {
  provide: RECEIVER_DATA_SOURCE,
  inject: [RECEIVER_OPTIONS, { token: RECEIVER_EXISTING_DATA_SOURCE, optional: true }],
  useFactory: resolveDataSource,
};
