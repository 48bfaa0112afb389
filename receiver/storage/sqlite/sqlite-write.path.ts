import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { AsyncWriteLock } from './async-write.lock';

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
  readonly inTransaction: boolean;
  exec(sql: string): unknown;
}

/** First and longest pause between two attempts to take a write lock another process holds. */
const BUSY_FIRST_PAUSE_MS = 2;
const BUSY_LONGEST_PAUSE_MS = 100;
/** How long a writer waits for another process's lock before giving up (then 503). */
export const SQLITE_BUSY_WAIT_MS = 30_000;

const READ_STATEMENT = /^\s*(SELECT|PRAGMA\s+\w+\s*(\(|$))/i;

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
 *   still believes the transaction open (so later batches would run inside it, never committed).
 */
export class SqliteWritePath {
  readonly lock = new AsyncWriteLock();
  private readonly patchedRunners = new WeakSet<object>();
  /** A transaction TypeORM started outside the lock (migrations at start-up) is left alone. */
  private unguardedTransaction = false;

  constructor(private readonly dataSource: DataSource) {}

  /** Runs one write operation holding the lock, and settles the connection afterwards. */
  async write<T>(work: () => Promise<T>): Promise<T> {
    if (this.lock.heldByCaller()) return work();
    return this.lock.run(async () => {
      try {
        return await work();
      } finally {
        this.settle();
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
      const run = () => this.retryWhileBusy(() => query(statement, parameters, structured));
      // A lone write statement takes the lock for itself; TypeORM's own bookkeeping around it
      // (a COMMIT's depth counter) is not finished yet, so the connection is not settled here.
      if (this.lock.heldByCaller() || READ_STATEMENT.test(statement)) return run();
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
        if (this.connection().inTransaction) throw error;
        this.resetRunner(runner);
      }
    };
  }

  /** After the outermost write: no transaction may stay open, and TypeORM must agree. */
  private settle(): void {
    const runner = this.currentRunner();
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

  private connection(): SqliteConnection {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteConnection })
      .databaseConnection;
  }

  private currentRunner(): SqliteQueryRunner | undefined {
    return (this.dataSource.driver as unknown as { queryRunner?: SqliteQueryRunner }).queryRunner;
  }
}

function isBusy(error: unknown): boolean {
  const code =
    (error as { code?: unknown })?.code ??
    (error as { driverError?: { code?: unknown } })?.driverError?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}
