import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import { ProjectEntity } from '../../receiver/storage/entities';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { isStorageFault } from '../../receiver/storage/storage-fault';
import { sqliteWritePathOf } from '../../receiver/storage/storage.guards';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { mountSmallDisk } from '../support/small-disk';

type Writer = 'event-loop' | 'thread';

/** The receiver's data source on `options`, migrated, with its writes where `writer` says. */
async function openDataSource(
  options: IsolatedDatabase['options'],
  writer: Writer,
): Promise<DataSource> {
  const dataSource = await createReceiverDataSource(options);
  await dataSource.runMigrations();
  if (writer === 'thread') expect(sqliteWritePathOf(dataSource)!.useWriterThread()).toBe(true);
  return dataSource;
}

/**
 * The SQLite write path: ingest, telemetry, projects and links write through one connection (on
 * the event loop, or in the writer thread), so their transactions must never nest, and a
 * transaction SQLite rolled back by itself (disk full) must leave the connection usable.
 */
describe.each<Writer>(['event-loop', 'thread'])('SQLite write path (writes: %s)', (writer) => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  const project = newProject;
  const names = async (): Promise<string[]> =>
    (await dataSource.getRepository(ProjectEntity).find()).map((p) => p.name).sort();

  beforeEach(async () => {
    database = await createIsolatedDatabase('sqlite');
    dataSource = await openDataSource(database.options, writer);
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
    const onDisk = await openDataSource(
      { type: 'better-sqlite3', database: join(disk.dir, 'receiver.sqlite') },
      writer,
    );
    try {
      // The connection that wrote: the main one, or the writer thread's (as of its last answer).
      const writing = sqliteWritePathOf(onDisk) as unknown as {
        thread?: { inTransaction: boolean };
      };
      const connection =
        writing.thread ??
        (onDisk.driver as unknown as { databaseConnection: { inTransaction: boolean } })
          .databaseConnection;
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

describe('SQLite writer thread', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;

  const names = async (): Promise<string[]> =>
    (await dataSource.getRepository(ProjectEntity).find()).map((p) => p.name).sort();

  beforeEach(async () => {
    database = await createIsolatedDatabase('sqlite');
    dataSource = await openDataSource(database.options, 'thread');
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  });

  it('lets reads made meanwhile see committed rows only, never a write half done', async () => {
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const writing = dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(newProject('in-flight'));
      await held;
    });
    await sleep(50);
    // On the event loop's one connection this read would see the uncommitted row.
    expect(await names()).toEqual([]);
    finish();
    await writing;
    expect(await names()).toEqual(['in-flight']);
  });

  it('takes turns between writes kept on the event loop and writes in the thread, losing none', async () => {
    const writePath = sqliteWritePathOf(dataSource)!;
    const insert =
      (name: string, fail = false) =>
      async () =>
        dataSource.transaction(async (manager) => {
          await manager.getRepository(ProjectEntity).insert(newProject(name));
          if (fail) throw new Error('bad batch');
        });
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const inThread = writePath.write(async () => {
      await insert('thread-1')();
      await held;
    });
    await sleep(20);
    const writes = [
      writePath.write(insert('loop-1'), { onLoop: true }),
      writePath.write(insert('loop-failing', true), { onLoop: true }),
      writePath.write(insert('thread-2')),
      writePath.write(insert('thread-failing', true)),
      writePath.write(insert('loop-2'), { onLoop: true }),
    ];
    finish();
    const outcomes = await Promise.allSettled([inThread, ...writes]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(await names()).toEqual(['loop-1', 'loop-2', 'thread-1', 'thread-2']);
  });

  it('fails the writes of a thread that died as a storage fault, and the next write starts a new one', async () => {
    const thread = (sqliteWritePathOf(dataSource) as unknown as { thread: { worker?: Worker } })
      .thread;
    const dying = dataSource.transaction(async (manager) => {
      await manager.getRepository(ProjectEntity).insert(newProject('lost'));
      // The thread ends mid-transaction, as a crash would end it.
      await thread.worker!.terminate();
      await manager.getRepository(ProjectEntity).insert(newProject('lost-too'));
    });
    const failure = await dying.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isStorageFault(failure)).toBe(true);
    await dataSource.getRepository(ProjectEntity).save(newProject('after'));
    expect(await names()).toEqual(['after']);
  });
});

function newProject(name: string) {
  return {
    name,
    secret_key: randomBytes(32).toString('hex'),
    public_key: randomBytes(16).toString('hex'),
    allowed_domains: 'example.com',
    is_active: true,
    signing_secret: null,
    token_policy: 'auto' as const,
    created_at: new Date(),
    updated_at: new Date(),
  };
}
