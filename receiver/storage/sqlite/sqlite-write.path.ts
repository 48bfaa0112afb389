import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource, QueryFailedError } from 'typeorm';
import { QueryResult } from 'typeorm/query-runner/QueryResult';
import { AsyncWriteLock } from './async-write.lock';
import { SqliteWriterThread } from './sqlite-writer.thread';

/** The parts of TypeORM's better-sqlite3 query runner the write path steers. */
interface SqliteQueryRunner {
  isTransactionActive: boolean;
  transactionDepth: number;
  query(sql: string, parameters?: unknown[], structured?: boolean): Promise<unknown>;
  startTransaction(isolation?: string): Promise<void>;
  rollbackTransaction(): Promise<void>;
}

/** The parts of the better-sqlite3 connection it reads. */
interface SqliteConnection {
  readonly name: string;
  readonly memory: boolean;
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
  pragma(sql: string, options?: { simple: boolean }): unknown;
}

/** First and longest pause between two attempts to take a write lock another process holds. */
const BUSY_FIRST_PAUSE_MS = 2;
const BUSY_LONGEST_PAUSE_MS = 100;
/** How long a writer waits for another process's lock before giving up (then 503). */
export const SQLITE_BUSY_WAIT_MS = 30_000;

const READ_STATEMENT = /^\s*(SELECT|PRAGMA\s+\w+\s*(\(|$))/i;
const SETTING_STATEMENT = /^\s*PRAGMA\s+\w+\s*=/i;

/**
 * The single writer of a SQLite data source. better-sqlite3 is ONE connection shared by every
 * part of the receiver, and TypeORM's transactions on it are just a depth counter: two async
 * transactions (an ingest batch and a project update) interleave and the second silently becomes
 * a savepoint of the first, whose rollback then takes acknowledged work with it. So:
 * - every write (each transaction, each `save`/`insert`/… of the shared manager, each lone write
 *   statement) holds one {@link AsyncWriteLock}; work nested inside the holder joins it; reads do
 *   not wait (a read is one synchronous statement on the connection);
 * - transactions start with `BEGIN IMMEDIATE`, and a lock held by another process (the CLI, a
 *   backup) is waited for with asynchronous retries, never with SQLite's busy timeout, which
 *   blocks the event loop (health included) for as long as it waits;
 * - after every write the connection is brought back to a known state: SQLite rolls a transaction
 *   back by itself on `SQLITE_FULL` or an I/O error, after which TypeORM's `ROLLBACK` fails and it
 *   still believes the transaction open (so later batches would run inside it, never committed);
 * - on a file, once migrations ran, the writes run on a second connection in a worker thread
 *   ({@link useWriterThread}): statements of the lock holder go there, every other read stays on
 *   the main connection and sees committed rows only (WAL snapshots), never a batch half-written;
 *   the thread waits for a foreign lock with SQLite's busy timeout (it blocks only itself). A
 *   write may stay on the main connection (`onLoop`: a small ingest batch), as without a thread.
 */
export class SqliteWritePath {
  readonly lock = new AsyncWriteLock();
  private readonly patchedRunners = new WeakSet<object>();
  /** A transaction TypeORM started outside the lock (migrations at start-up) is left alone. */
  private unguardedTransaction = false;
  private thread: SqliteWriterThread | undefined;
  /** The writer thread's session of the write holding the lock, when it writes there. */
  private session: number | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Moves the writes to a connection in a worker thread, for a file in WAL mode (a `:memory:`
   * database is one connection's own). Call it once migrations ran: they set pragmas on the
   * main connection. The thread ends with the data source.
   */
  useWriterThread(): boolean {
    const connection = this.connection();
    if (this.thread || connection.memory) return false;
    if (connection.pragma('journal_mode', { simple: true }) !== 'wal') return false;
    const thread = new SqliteWriterThread({
      file: connection.name,
      busyTimeoutMs: SQLITE_BUSY_WAIT_MS,
      autocheckpoint: Number(connection.pragma('wal_autocheckpoint', { simple: true })),
    });
    this.thread = thread;
    const destroy = this.dataSource.destroy.bind(this.dataSource);
    this.dataSource.destroy = async () => {
      await this.lock.run(() => thread.close());
      return destroy();
    };
    return true;
  }

  /** `wal_autocheckpoint` of every connection that writes (the WAL checkpointer turns it off). */
  setAutocheckpoint(pages: number): void {
    this.connection().pragma(`wal_autocheckpoint = ${pages}`);
    void this.thread?.setAutocheckpoint(pages).catch(() => undefined);
  }

  /**
   * Runs one write operation holding the lock, and settles the connection afterwards. `onLoop`
   * keeps it on the main connection although a writer thread runs: a write so small that it
   * blocks the loop for less than its statements' round trips to the thread would take (a small
   * ingest batch).
   */
  async write<T>(
    work: () => Promise<T>,
    { onLoop = false }: { onLoop?: boolean } = {},
  ): Promise<T> {
    if (this.lock.heldByCaller()) return work();
    return this.hold(onLoop, async () => {
      try {
        return await work();
      } finally {
        await this.settle();
      }
    });
  }

  /** Wraps the query runner TypeORM hands out (one per better-sqlite3 data source). */
  patchRunner(runner: SqliteQueryRunner): void {
    if (this.patchedRunners.has(runner)) return;
    this.patchedRunners.add(runner);
    const query = runner.query.bind(runner);
    const startTransaction = runner.startTransaction.bind(runner);
    const rollbackTransaction = runner.rollbackTransaction.bind(runner);

    runner.query = (sql, parameters, structured) => {
      const statement = /^BEGIN( TRANSACTION)?$/i.test(sql) ? 'BEGIN IMMEDIATE TRANSACTION' : sql;
      const thread = this.thread;
      const holder = this.lock.heldByCaller();
      if (thread && (holder ? this.session !== undefined : !READ_STATEMENT.test(statement))) {
        // The holder's statements, or a lone write, in the thread; reads outside a write stay
        // on the main connection (committed rows only), as do the statements of a write kept
        // on the loop.
        const remote = () => runInThread(thread, this.session, statement, parameters, structured);
        if (holder) return remote();
        // A setting (`PRAGMA query_only = ON`…) is the data source's: both connections get it.
        if (SETTING_STATEMENT.test(statement)) {
          return query(statement, parameters, structured).then(() => this.hold(false, remote));
        }
        return this.hold(false, remote);
      }
      const run = () => this.retryWhileBusy(() => query(statement, parameters, structured));
      // A lone write statement takes the lock for itself; TypeORM's own bookkeeping around it
      // (a COMMIT's depth counter) is not finished yet, so the connection is not settled here.
      if (holder || READ_STATEMENT.test(statement)) return run();
      return this.lock.run(run);
    };
    runner.startTransaction = async (isolation) => {
      if (runner.transactionDepth === 0) this.unguardedTransaction = !this.lock.heldByCaller();
      return startTransaction(isolation);
    };
    runner.rollbackTransaction = async () => {
      try {
        await rollbackTransaction();
      } catch (error) {
        // SQLite already rolled back (SQLITE_FULL, I/O error): the transaction is gone, as asked.
        if (this.inTransaction()) throw error;
        this.resetRunner(runner);
      }
    };
  }

  /** Takes the lock for `work`, in the writer thread's current session unless `onLoop`. */
  private hold<T>(onLoop: boolean, work: () => Promise<T>): Promise<T> {
    return this.lock.run(() => {
      this.session = this.thread && !onLoop ? this.thread.session() : undefined;
      return work();
    });
  }

  /** After the outermost write: no transaction may stay open, and TypeORM must agree. */
  private async settle(): Promise<void> {
    const runner = this.currentRunner();
    const thread = this.thread;
    if (thread && this.session !== undefined) {
      if (thread.inTransaction) {
        await thread.run('ROLLBACK', [], this.session).catch(() => undefined);
      }
      if (runner && !thread.inTransaction) this.resetRunner(runner);
      return;
    }
    const connection = this.connection();
    if (connection.inTransaction && !this.unguardedTransaction) {
      try {
        connection.exec('ROLLBACK');
      } catch {
        // nothing left to roll back
      }
    }
    if (runner && !connection.inTransaction) this.resetRunner(runner);
  }

  private resetRunner(runner: SqliteQueryRunner): void {
    runner.isTransactionActive = false;
    runner.transactionDepth = 0;
    this.unguardedTransaction = false;
  }

  /**
   * Repeats a statement while another process holds the write lock. Only statements that start
   * a transaction or run on their own are repeated; inside a transaction begun IMMEDIATE no
   * statement meets a foreign lock.
   */
  private async retryWhileBusy<T>(statement: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
    let pause = BUSY_FIRST_PAUSE_MS;
    for (;;) {
      const inTransaction = this.connection().inTransaction;
      try {
        return await statement();
      } catch (error) {
        if (!isBusy(error) || inTransaction || Date.now() + pause > deadline) throw error;
      }
      await sleep(pause);
      pause = Math.min(pause * 2, BUSY_LONGEST_PAUSE_MS);
    }
  }

  private inTransaction(): boolean {
    return this.thread && this.session !== undefined
      ? this.thread.inTransaction
      : this.connection().inTransaction;
  }

  private connection(): SqliteConnection {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteConnection })
      .databaseConnection;
  }

  private currentRunner(): SqliteQueryRunner | undefined {
    return (this.dataSource.driver as unknown as { queryRunner?: SqliteQueryRunner }).queryRunner;
  }
}

/**
 * One statement in the writer thread, answered as TypeORM's better-sqlite3 runner answers it
 * (booleans bound as 0/1; rows, or changes and the last row id; failures as `QueryFailedError`).
 * Blobs come back from the thread as Uint8Array: they are Buffers again, as the callers expect.
 */
async function runInThread(
  thread: SqliteWriterThread,
  session: number | undefined,
  sql: string,
  parameters: unknown[] = [],
  structured = false,
): Promise<unknown> {
  const params = parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  let answer;
  try {
    answer = await thread.run(sql, params, session);
  } catch (error) {
    throw new QueryFailedError(sql, params, error as Error);
  }
  const result = new QueryResult();
  if (answer.rows) {
    for (const row of answer.rows) asBuffers(row as Record<string, unknown>);
    result.raw = answer.rows;
    result.records = answer.rows;
  } else {
    result.affected = answer.changes;
    result.raw = answer.lastInsertRowid;
  }
  return structured ? result : result.raw;
}

function asBuffers(row: Record<string, unknown>): void {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
}

function isBusy(error: unknown): boolean {
  const code =
    (error as { code?: unknown })?.code ??
    (error as { driverError?: { code?: unknown } })?.driverError?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
