import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { ProjectEntity } from '../../receiver/storage/entities';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { mountSmallDisk } from '../support/small-disk';

/**
 * The SQLite write path: one better-sqlite3 connection is shared by ingest, telemetry, projects
 * and links, so their transactions must never nest, and a transaction SQLite rolled back by
 * itself (disk full) must leave the connection usable.
 */
describe('SQLite write path', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  const project = (name: string) => ({
    name,
    secret_key: randomBytes(32).toString('hex'),
    public_key: randomBytes(16).toString('hex'),
    allowed_domains: 'example.com',
    is_active: true,
    signing_secret: null,
    token_policy: 'auto' as const,
    created_at: new Date(),
    updated_at: new Date(),
  });
  const names = async (): Promise<string[]> =>
    (await dataSource.getRepository(ProjectEntity).find()).map((p) => p.name).sort();

  beforeEach(async () => {
    database = await createIsolatedDatabase('sqlite');
    dataSource = await createReceiverDataSource(database.options);
    await dataSource.runMigrations();
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  });

  it('keeps a transaction that ran while another one was open when that one rolls back', async () => {
    const failing = dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(project('rolled-back'));
      await sleep(30);
      throw new Error('bad batch');
    });
    await sleep(5);
    const committed = dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(project('committed'));
    });
    await expect(failing).rejects.toThrow('bad batch');
    await expect(committed).resolves.toBeUndefined();
    expect(await names()).toEqual(['committed']);
  });

  it('keeps a repository save made while a batch transaction was open', async () => {
    const failing = dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(project('rolled-back'));
      await sleep(30);
      throw new Error('bad batch');
    });
    await sleep(5);
    const saved = dataSource.getRepository(ProjectEntity).save(project('saved'));
    await expect(failing).rejects.toThrow('bad batch');
    await expect(saved).resolves.toMatchObject({ name: 'saved' });
    expect(await names()).toEqual(['saved']);
  });

  it('lets a transaction nested inside another join it instead of waiting for itself', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(project('outer'));
      await dataSource.getRepository(ProjectEntity).save(project('inner'));
    });
    expect(await names()).toEqual(['inner', 'outer']);
  });

  it('commits every later write after the disk was full at commit time', async () => {
    const disk = mountSmallDisk(4);
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    const onDisk = await createReceiverDataSource({
      type: 'better-sqlite3',
      database: join(disk.dir, 'receiver.sqlite'),
    });
    try {
      await onDisk.runMigrations();
      const connection = (
        onDisk.driver as unknown as { databaseConnection: { inTransaction: boolean } }
      ).databaseConnection;
      disk.fill();
      const big = 'x'.repeat(50_000);
      await expect(
        onDisk.transaction(async (manager) => {
          for (let i = 0; i < 40; i++) {
            await manager.getRepository(ProjectEntity).insert(project(`full-${i}-${big}`));
          }
        }),
      ).rejects.toThrow(/full/);
      expect(connection.inTransaction).toBe(false);
      disk.free();
      // An ordinary failure next (one bad batch) must not leave a transaction open either.
      await expect(
        onDisk.transaction(async (manager) => {
          await manager.getRepository(ProjectEntity).insert(project('bad-batch'));
          throw new Error('bad batch');
        }),
      ).rejects.toThrow('bad batch');
      expect(connection.inTransaction).toBe(false);
      await onDisk.transaction(async (manager) => {
        await manager.getRepository(ProjectEntity).insert(project('after-full'));
      });
      // A second connection sees only what was really committed.
      const Database = (await import('better-sqlite3')).default;
      const reader = new Database(join(disk.dir, 'receiver.sqlite'), { readonly: true });
      const stored = reader.prepare('SELECT name FROM projects').all() as { name: string }[];
      reader.close();
      expect(stored.map((row) => row.name)).toEqual(['after-full']);
    } finally {
      await onDisk.destroy();
      disk.unmount();
    }
  });
});
