import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import { storageOutageOf, type StorageOutageMonitor } from '../storage-outage.monitor';
import { sqliteWritePathOf } from '../storage.guards';
import type { SqliteWritePath } from './sqlite-write.path';

/** How often the worker copies committed WAL frames into the database file. */
const CHECKPOINT_INTERVAL_MS = 100;
/**
 * WAL frames (≈ 40 MiB of 4 KiB pages) past which a PASSIVE checkpoint is followed by a RESTART.
 * A PASSIVE checkpoint never waits for anyone, so it copies the frames but cannot make the writer
 * start the WAL over: under steady ingest the writer appends a new batch before the checkpoint
 * has caught up, and a reader (an analytics query of another process, a backup) keeps the frames
 * its snapshot needs. The WAL would then grow without bound. RESTART waits (up to the busy
 * timeout below) for readers to move on and holds writers off meanwhile; our writer meets
 * SQLITE_BUSY on `BEGIN IMMEDIATE` and retries asynchronously (SqliteWritePath), so the event
 * loop never waits, only ingest does, for a moment, once per this many frames. Two cases stay
 * out of anyone's reach, SQLite's own checkpoints included: a reader that never ends pins the WAL,
 * and checkpoints that keep failing let it grow while commits still succeed — on a full disk that
 * is not for long (commits then fail too: 503), and either way health already says so.
 */
const RESTART_AT_FRAMES = 10_000;
/** Longest a RESTART checkpoint waits for readers and writers (in the worker only). */
const RESTART_BUSY_TIMEOUT_MS = 500;
/** SQLite's own automatic checkpoint, put back on the writer while no worker runs. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** First and longest pause before starting a worker again after it died. */
const RESPAWN_FIRST_PAUSE_MS = 1_000;
const RESPAWN_LONGEST_PAUSE_MS = 60_000;

const CheckpointerMessages = {
  stopped: (reason: string): string =>
    `WAL checkpointer stopped (${reason}); SQLite checkpoints on the writer until it runs again`,
  running: 'WAL checkpointer running again',
  unexpected: (reason: string): string => `WAL checkpoint failed: ${reason}`,
} as const;

/** The parts of a better-sqlite3 connection the checkpointer uses. */
interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  readonly open: boolean;
  pragma(sql: string, options?: { simple: boolean }): unknown;
}

/** What the worker reports: a checkpoint that completed, or one that failed (changes only). */
type CheckpointOutcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * The worker's whole program, plain CommonJS (run with `eval`, so it works the same from the
 * TypeScript sources, the tests and the built package): its own connection to the file, one
 * checkpoint per tick, never two at once (one synchronous loop), closed on the first message.
 * It reports the first outcome and every change of outcome, so the main thread hears of a
 * failure once and of the recovery once. SQLITE_BUSY is no failure: another connection's
 * checkpoint is running, or readers kept a RESTART from finishing; the next tick tries again.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = NORMAL');
let reported;
const report = (outcome, key) => {
  if (reported === key) return;
  reported = key;
  parentPort.postMessage(outcome);
};
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
let timer;
const tick = () => {
  try {
    let result = checkpoint('PASSIVE');
    if (result.busy === 0 && result.log >= workerData.restartAtFrames) result = checkpoint('RESTART');
    if (result.busy === 0) report({ ok: true }, 'ok');
  } catch (error) {
    const code = typeof error.code === 'string' ? error.code : 'SQLITE_ERROR';
    if (!/^SQLITE_(BUSY|LOCKED)/.test(code)) {
      report({ ok: false, code, message: String(error.message) }, code);
    }
  }
  timer = setTimeout(tick, workerData.intervalMs);
};
timer = setTimeout(tick, workerData.intervalMs);
parentPort.once('message', () => {
  clearTimeout(timer);
  try {
    db.close();
  } finally {
    parentPort.close();
  }
});
`;

/**
 * Checkpoints a SQLite file's WAL from a worker thread. better-sqlite3 is synchronous: with
 * SQLite's automatic checkpoint, every thousandth page of WAL made one COMMIT copy the pages into
 * the database file and fsync it on the event loop — tens of milliseconds each under ingest load,
 * up to most of a second on a busy disk, during which no request of any route was answered (the
 * p99 of the tracking benchmark). With `synchronous = NORMAL` in WAL mode a COMMIT only appends
 * to the WAL, so with the checkpoints here the event loop never waits for an fsync. Durability is
 * unchanged: the checkpoint syncs the WAL before copying and the file after, as SQLite's does.
 *
 * A failing checkpoint (a full disk: the database file cannot grow; an I/O error) is a storage
 * outage like a failing write, reported to the same {@link StorageOutageMonitor}: health fails,
 * one line is logged when it starts and one when a checkpoint completes again. Commits may well
 * keep landing meanwhile (in WAL space the file already had), which is why only a checkpoint
 * can end it.
 *
 * Started for the receiver's own file data sources in WAL mode (not `:memory:`, not a connection
 * the application lends), stopped before the data source is destroyed.
 */
export class SqliteWalCheckpointer {
  private readonly logger = new Logger('ReceiverStorage');
  private worker: Worker | undefined;
  private respawn: NodeJS.Timeout | undefined;
  private respawnPause = RESPAWN_FIRST_PAUSE_MS;
  private died = false;
  private stopping = false;

  private constructor(
    private readonly connection: SqliteConnection,
    private readonly outage: StorageOutageMonitor,
    private readonly writePath: SqliteWritePath,
  ) {}

  /**
   * Starts one for `dataSource` when it is a better-sqlite3 file in WAL mode, and stops it with it.
   * Call it after `installStorageGuards`: a SQLite data source's writes go through its write path.
   */
  static attach(dataSource: DataSource): SqliteWalCheckpointer | undefined {
    const writePath = sqliteWritePathOf(dataSource);
    if (!writePath) return undefined;
    const connection = (dataSource.driver as unknown as { databaseConnection: SqliteConnection })
      .databaseConnection;
    if (connection.memory || connection.pragma('journal_mode', { simple: true }) !== 'wal') {
      return undefined;
    }
    const checkpointer = new SqliteWalCheckpointer(
      connection,
      storageOutageOf(dataSource),
      writePath,
    );
    checkpointer.start();
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      await checkpointer.stop();
      return destroy();
    };
    return checkpointer;
  }

  /** Closes the worker's connection, waits for the thread to end, gives checkpoints back to SQLite. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.respawn);
    const worker = this.worker;
    if (worker) {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      // Held until it has ended: unref'd, a process with nothing else to do (a CLI command, a
      // script closing its application) would exit here, in the middle of its own shutdown.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    }
    this.setAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
  }

  private start(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.connection.name,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        restartAtFrames: RESTART_AT_FRAMES,
        busyTimeoutMs: RESTART_BUSY_TIMEOUT_MS,
      },
    });
    // Never keeps a process alive: a CLI command that forgot to close its data source still exits.
    worker.unref();
    worker.on('message', (outcome: CheckpointOutcome) => this.onOutcome(outcome));
    worker.once('error', (error) => this.onDeath(error.message));
    worker.once('exit', (code) => {
      this.worker = undefined;
      if (!this.stopping) this.onDeath(`exit code ${code}`);
    });
    this.worker = worker;
    // The writer never checkpoints while the worker does (0: no automatic checkpoint).
    this.setAutocheckpoint(0);
  }

  private onOutcome(outcome: CheckpointOutcome): void {
    if (outcome.ok) {
      this.respawnPause = RESPAWN_FIRST_PAUSE_MS;
      if (this.died) this.logger.log(CheckpointerMessages.running);
      this.died = false;
      this.outage.succeeded('checkpoints');
      return;
    }
    const error = Object.assign(new Error(outcome.message), { code: outcome.code });
    // Not a storage fault (a bug rather than the disk): logged, health left alone.
    if (!this.outage.failed(error, 'checkpoints')) {
      this.logger.error(CheckpointerMessages.unexpected(`${outcome.code}: ${outcome.message}`));
    }
  }

  /**
   * The worker is gone (it could not open the file, or crashed): SQLite's own checkpoints on the
   * writer keep the WAL bounded meanwhile, and a new worker is started after a pause. Logged once
   * per death streak; a checkpoint outage in progress lasts until a new worker's checkpoint works.
   */
  private onDeath(reason: string): void {
    if (this.stopping || this.respawn) return;
    this.setAutocheckpoint(DEFAULT_AUTOCHECKPOINT_PAGES);
    if (!this.died) this.logger.warn(CheckpointerMessages.stopped(reason));
    this.died = true;
    this.worker?.removeAllListeners();
    this.worker = undefined;
    this.respawn = setTimeout(() => {
      this.respawn = undefined;
      if (this.stopping || !this.connection.open) return;
      this.start();
    }, this.respawnPause);
    this.respawn.unref();
    this.respawnPause = Math.min(this.respawnPause * 2, RESPAWN_LONGEST_PAUSE_MS);
  }

  /** On every connection that writes: the main one, and the write path's thread when it has one. */
  private setAutocheckpoint(pages: number): void {
    if (this.connection.open) this.writePath.setAutocheckpoint(pages);
  }
}
