import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';

/**
 * SQLite checkpoints (copying the WAL into the database file, with an fsync) run in a worker
 * thread: on the event loop they stalled every route for as long as the disk took.
 */
describe('SQLite WAL checkpointer', () => {
  let dir: string;
  let dataSource: DataSource;

  const connection = () =>
    (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  /** Rows of `t` in the database file alone, without the WAL (a copy opened by itself). */
  const rowsInFile = (): number => {
    const copy = join(dir, `copy-${Date.now()}.sqlite`);
    copyFileSync(join(dir, 'receiver.sqlite'), copy);
    const db = new Database(copy, { readonly: true });
    try {
      const exists = db
        .prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 't'`)
        .get() as { n: number };
      if (exists.n === 0) return 0;
      return (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
    } finally {
      db.close();
      rmSync(copy);
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    dataSource = await createReceiverDataSource({
      type: 'better-sqlite3',
      database: join(dir, 'receiver.sqlite'),
    });
  });

  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    // The writer never checkpoints by itself while the worker does.
    expect(connection().pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await dataSource.transaction(async (manager) => {
      for (let i = 0; i < 100; i++) await manager.query('INSERT INTO t (v) VALUES (?)', ['x']);
    });
    // 100 rows are a few pages of WAL: far below any automatic checkpoint of the writer.
    while (rowsInFile() < 100) await sleep(20);
    expect(rowsInFile()).toBe(100);
  });

  it('closes its connection before the data source closes', async () => {
    await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await dataSource.destroy();
    // SQLite removes the WAL when the LAST connection to the file closes: the checkpointer's
    // was closed first, so the receiver's own connection ended the file cleanly.
    expect(existsSync(join(dir, 'receiver.sqlite-wal'))).toBe(false);
    expect(rowsInFile()).toBe(0);
  });
});

describe('SQLite in memory', () => {
  it('runs without a checkpointer (there is no WAL to copy)', async () => {
    const dataSource = await createReceiverDataSource({
      type: 'better-sqlite3',
      database: ':memory:',
    });
    try {
      const connection = (dataSource.driver as unknown as { databaseConnection: Database.Database })
        .databaseConnection;
      // SQLite's default is left alone: no worker took checkpoints over.
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
      await dataSource.query('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await dataSource.query('INSERT INTO t DEFAULT VALUES');
      expect(await dataSource.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 1 }]);
    } finally {
      await dataSource.destroy();
    }
  });
});
