import type { DataSource } from 'typeorm';
import { onQueryFailure } from '../query-failure.hook';
import { withTimeout } from '../storage-outage.monitor';

/** The parts of a mysql2 pool connection this file uses. */
interface PoolConnection {
  release(): void;
  destroy(): void;
}

/** The parts of TypeORM's MySQL driver and query runner this file patches. */
interface MysqlDriver {
  obtainMasterConnection(): Promise<PoolConnection>;
}
interface MysqlQueryRunner {
  databaseConnection?: PoolConnection;
  query(...args: unknown[]): Promise<unknown>;
}

/**
 * Bounds the receiver's own MySQL/MariaDB pool the way PostgreSQL's is (`query_timeout`,
 * `connectionTimeoutMillis`), so a hung server (SIGSTOP) gets 503s instead of requests that
 * never end:
 *
 * - a connection whose query ran into mysql2's client-side timeout is destroyed. mysql2 keeps the
 *   timed-out query as the connection's current command, still waiting for the server: the next
 *   query on it (the transaction's `ROLLBACK`, or the next request that takes it from the pool)
 *   queued behind it without starting its own timer, and hung for as long as the server did;
 * - waiting for a pooled connection takes at most `timeoutMs` (mysql2 has no acquire timeout:
 *   with every connection held by a query on the hung server, the next request waited for good).
 *   A connection handed over after the wait gave up goes back to the pool;
 * - TypeORM's "query is slow" report is silenced: its threshold is the same `maxQueryExecutionTime`
 *   that sets this timeout, so it fired for every query the timeout ended (two console lines
 *   each, the SQL and its parameters included) — a line per request during an outage the
 *   storage monitor already logs once.
 */
export function boundMysqlPool(dataSource: DataSource, timeoutMs: number): void {
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb') {
    // Only the threshold we set: an application's own `maxQueryExecutionTime` keeps its report.
    if (dataSource.options.maxQueryExecutionTime === timeoutMs) {
      dataSource.logger.logQuerySlow = () => undefined;
    }
  }
  const driver = dataSource.driver as unknown as MysqlDriver;
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = () => {
    let gaveUp = false;
    const pending = obtain();
    pending.then(
      (connection) => gaveUp && connection.release(),
      () => undefined,
    );
    return withTimeout(pending, timeoutMs).catch((error: unknown) => {
      gaveUp = true;
      throw error;
    });
  };
  onQueryFailure<MysqlQueryRunner>(dataSource, (runner, error) => {
    if (timedOut(error)) runner.databaseConnection?.destroy();
  });
}

/** mysql2's query timeout (`maxQueryExecutionTime`), as TypeORM wraps it. */
function timedOut(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  return (driverError?.code ?? (error as { code?: unknown }).code) === 'PROTOCOL_SEQUENCE_TIMEOUT';
}
