import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';

/** How often the worker copies committed WAL frames into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * WAL pages at which the receiver's own connection still checkpoints (≈ 40 MB): a safety net
 * for a checkpointer that died or falls far behind, never reached while it works.
 */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's default, restored when the worker is gone for good. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

/** The parts of a better-sqlite3 connection the checkpointer uses. */
interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  pragma(sql: string, options?: { simple: boolean }): unknown;
}

/**
 * The worker's whole program, plain CommonJS (the worker runs it with `eval`, so it works the same
 * from TypeScript sources, tests and the built package): its own connection to the file, a
 * PASSIVE checkpoint per tick (it never waits for a lock and never blocks a writer), closed on
 * the first message.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
db.pragma('synchronous = NORMAL');
let timer;
const tick = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy, disk full, I/O error: the frames stay in the WAL, the next tick tries again
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.once('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints a SQLite file's WAL from a worker thread. better-sqlite3 is synchronous: with
 * SQLite's automatic checkpoint, every thousandth page of WAL made one COMMIT copy the pages into
 * the database file and fsync it on the event loop — tens of milliseconds each under ingest load,
 * and on a busy disk the occasional fsync of most of a second, during which no request of any
 * route was answered (the p99 of the tracking benchmark). With `synchronous = NORMAL` in WAL mode a
 * COMMIT itself only appends to the WAL, so with checkpoints here the event loop never waits for
 * the disk. Durability is unchanged: the checkpoint syncs the WAL before copying and the file
 * after, as SQLite's own does. Started for the receiver's own file data sources, stopped when the
 * data source is destroyed.
 */
export class SqliteWalCheckpointer {
  private readonly logger = new Logger('Storage');
  private worker: Worker | undefined;
  private stopping = false;

  private constructor(private readonly connection: SqliteConnection) {}

  /** Starts one for `dataSource` when it is a better-sqlite3 file in WAL mode, and stops it with it. */
  static attach(dataSource: DataSource): SqliteWalCheckpointer | undefined {
    if (dataSource.options.type !== 'better-sqlite3') return undefined;
    const connection = (dataSource.driver as unknown as { databaseConnection: SqliteConnection })
      .databaseConnection;
    if (connection.memory || connection.pragma('journal_mode', { simple: true }) !== 'wal') {
      return undefined;
    }
    const checkpointer = new SqliteWalCheckpointer(connection);
    checkpointer.start();
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      await checkpointer.stop();
      return destroy();
    };
    return checkpointer;
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.connection.name,
        intervalMs: CHECKPOINT_INTERVAL_MS,
      },
    });
    // The checkpointer never keeps a process alive (a CLI command that forgot to close the data
    // source still exits).
    worker.unref();
    worker.once('error', (error) => {
      this.logger.warn(`WAL checkpointer stopped (${error.message}); checkpoints on the writer`);
    });
    worker.once('exit', () => {
      this.worker = undefined;
      if (!this.stopping) this.setAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
    });
    this.worker = worker;
    this.setAutocheckpoint(FALLBACK_AUTOCHECKPOINT_PAGES);
  }

  /** Closes the worker's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.stopping) return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    await exited;
    this.setAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
  }

  private setAutocheckpoint(pages: number): void {
    try {
      this.connection.pragma(`wal_autocheckpoint = ${pages}`);
    } catch {
      // the connection is closed already: nothing left to checkpoint from it
    }
  }
}
