import type { DataSource } from 'typeorm';
import { onQueryFailure } from '../query-failure.hook';

/** The part of TypeORM's PostgreSQL query runner this file uses. */
interface PostgresQueryRunner {
  query(...args: unknown[]): Promise<unknown>;
  /** Gives the connection back to pg's pool; with an error, the pool closes it instead. */
  releasePostgresConnection(error?: Error): Promise<void>;
}

/**
 * Closes a pooled PostgreSQL connection whose query ran into pg's client-side `query_timeout`
 * (the receiver's `databaseQueryTimeoutMs`), instead of letting TypeORM give it back to the pool.
 * pg only stops waiting for such a query: it stays on the connection, and the `ROLLBACK` of its
 * transaction times out queued behind it and is dropped. Given back, the connection still held
 * that open transaction once the hung server answered again, and the next transaction on it
 * (`BEGIN` there only warns) committed the failed one's statements with its own — a batch
 * answered 503 stored in part — while queries queued behind the stale one ran into the timeout
 * after the server had recovered. Closed, the server rolls the transaction back.
 */
export function boundPostgresPool(dataSource: DataSource): void {
  onQueryFailure<PostgresQueryRunner>(dataSource, async (runner, error) => {
    if (timedOut(error)) await runner.releasePostgresConnection(error as Error);
  });
}

/** pg's query timeout, as TypeORM wraps it. */
function timedOut(error: unknown): boolean {
  const driverError = (error as { driverError?: { message?: unknown } }).driverError;
  return /^Query read timeout$/.test(String(driverError?.message ?? (error as Error)?.message));
}
