import { Worker } from 'node:worker_threads';

/** What one statement gave back: rows of a reader, else what a writer changed. */
export interface WriterAnswer {
  rows?: unknown[];
  changes?: number;
  lastInsertRowid?: number | bigint;
}

/** Where the writer's connection lives and how it is set up (the main connection's settings). */
export interface WriterThreadOptions {
  file: string;
  /** How long a statement waits for a write lock another process holds (in the thread). */
  busyTimeoutMs: number;
  /** `wal_autocheckpoint` pages: 0 while the WAL checkpointer runs. */
  autocheckpoint: number;
}

type Request =
  | { id: number; sql: string; params: unknown[] }
  | { id: number; autocheckpoint: number }
  | { id: number; close: true };
type Reply = { id: number; inTransaction: boolean } & (
  ({ ok: true } & WriterAnswer) | { ok: false; code: string; message: string }
);

/** SQLite's code for "the writer is gone": a storage fault, so the batch is a 503 and retried. */
const WRITER_GONE_CODE = 'SQLITE_IOERR_WRITER_THREAD';

/**
 * The thread's whole program, plain CommonJS (run with `eval`, so it works the same from the
 * TypeScript sources, the tests and the built package): its own connection to the file, set up
 * as TypeORM sets up the main one, one statement per message in arrival order, prepared
 * statements cached. Blobs arrive as Uint8Array (structured clone) and are bound as Buffers.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.pragma('foreign_keys = ON');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = ' + workerData.autocheckpoint);
const statements = new Map();
const prepared = (sql) => {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
    if (statements.size > workerData.cacheSize) statements.delete(statements.keys().next().value);
  }
  return statement;
};
const bindable = (value) =>
  value instanceof Uint8Array && !Buffer.isBuffer(value)
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength)
    : value;
parentPort.on('message', (request) => {
  if (request.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    if (request.autocheckpoint !== undefined) {
      db.pragma('wal_autocheckpoint = ' + request.autocheckpoint);
      parentPort.postMessage({ id: request.id, ok: true, inTransaction: db.inTransaction });
      return;
    }
    const statement = prepared(request.sql);
    const params = request.params.map(bindable);
    if (statement.reader) {
      const rows = statement.all(...params);
      parentPort.postMessage({ id: request.id, ok: true, rows, inTransaction: db.inTransaction });
    } else {
      const { changes, lastInsertRowid } = statement.run(...params);
      parentPort.postMessage({ id: request.id, ok: true, changes, lastInsertRowid, inTransaction: db.inTransaction });
    }
  } catch (error) {
    const code = typeof error.code === 'string' ? error.code : 'SQLITE_ERROR';
    parentPort.postMessage({ id: request.id, ok: false, code, message: String(error.message), inTransaction: db.inTransaction });
  }
});
`;

/**
 * A SQLite connection in a worker thread, for the write path ({@link SqliteWritePath}).
 * better-sqlite3 runs each statement synchronously: on the event loop, a batch of a few hundred
 * pageviews (inserts, upserts, rollup merges) held every other request for as long as it ran, and
 * a write lock held by another process blocked the whole receiver for SQLite's busy timeout.
 * Here the statements run in the thread while the event loop serves requests between them, and
 * a foreign lock is waited for in the thread (its busy timeout), never on the event loop.
 *
 * A thread that dies (it could not open the file, or crashed) fails the statements in flight with
 * an I/O error (a storage fault: their events are answered 503 and retried, nothing half-written
 * stays, SQLite rolls the open transaction back) and is started again on the next statement.
 */
export class SqliteWriterThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<
    number,
    { resolve(answer: Reply): void; reject(error: Error): void }
  >();
  private nextId = 1;
  private generation = 0;
  private closing: Promise<void> | undefined;
  /** Called once no statement is in flight (close() waits for it). */
  private idle: (() => void) | undefined;
  /** Whether the thread's connection has a transaction open (as of its last answer). */
  inTransaction = false;

  constructor(private readonly options: WriterThreadOptions) {}

  /**
   * The running thread's number, starting one when none runs. A write passes it with each of its
   * statements: a thread that died in the middle of a transaction took the transaction with it,
   * and the rest of that transaction must fail, not run on a new thread one by one.
   */
  session(): number {
    if (!this.worker && !this.closing) this.worker = this.start();
    return this.generation;
  }

  /** Runs one statement in the thread of `session`; rejects with SQLite's error (its `code` kept). */
  async run(
    sql: string,
    params: readonly unknown[],
    session: number | undefined,
  ): Promise<WriterAnswer> {
    if (!this.worker || session !== this.generation) throw gone('restarted during this write');
    const reply = await this.send({ id: 0, sql, params: [...params] });
    if (!reply.ok) throw Object.assign(new Error(reply.message), { code: reply.code });
    return reply;
  }

  /** Sets the thread connection's `wal_autocheckpoint` (kept for the threads started later). */
  async setAutocheckpoint(pages: number): Promise<void> {
    this.options.autocheckpoint = pages;
    if (this.worker) await this.send({ id: 0, autocheckpoint: pages });
  }

  /** Waits for the statements in flight, then closes the connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      if (!worker) return;
      if (this.pending.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref(); // held until it has ended, like the WAL checkpointer
      worker.postMessage({ id: 0, close: true } satisfies Request);
      await exited;
    })();
    return this.closing;
  }

  private send(request: Request): Promise<Reply> {
    if (this.closing) return Promise.reject(gone('closed'));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    // Held while a statement is in flight: a process with nothing else to do (a script, a CLI
    // command awaiting its write) must not exit before the answer.
    if (this.pending.size === 0) worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private start(): Worker {
    this.generation++;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve('better-sqlite3'),
        file: this.options.file,
        busyTimeoutMs: this.options.busyTimeoutMs,
        autocheckpoint: this.options.autocheckpoint,
        cacheSize: STATEMENT_CACHE_SIZE,
      },
    });
    // Never keeps a process alive by itself: the data source's destroy() closes it.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      this.inTransaction = reply.inTransaction;
      waiting.resolve(reply);
      if (this.pending.size === 0) {
        if (!this.closing) worker.unref();
        this.idle?.();
      }
    });
    const died = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.inTransaction = false; // SQLite rolls back what a closed connection left open
      const error = gone(reason);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
      this.idle?.();
    };
    worker.once('error', (error) => died(error.message));
    worker.once('exit', (code) => died(`exit code ${code}`));
    return worker;
  }
}

/** Same bound as the main connection's TypeORM statement cache (data-source.factory.ts). */
const STATEMENT_CACHE_SIZE = 1_000;

function gone(reason: string): Error {
  return Object.assign(new Error(`SQLite writer thread stopped: ${reason}`), {
    code: WRITER_GONE_CODE,
  });
}
