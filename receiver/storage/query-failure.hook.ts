import type { DataSource } from 'typeorm';

/** The part of a TypeORM query runner the hook wraps. */
interface QueryRunning {
  query(...args: unknown[]): Promise<unknown>;
}

/**
 * Runs `onFailure` with the query runner and the error each time a query of one of the data
 * source's runners fails, before the error reaches the caller: the place to deal with the
 * connection a failed query leaves behind (the MySQL and PostgreSQL pool bounds).
 */
export function onQueryFailure<Runner extends QueryRunning>(
  dataSource: DataSource,
  onFailure: (runner: Runner, error: unknown) => unknown,
): void {
  const driver = dataSource.driver as unknown as { createQueryRunner(mode?: string): Runner };
  const createQueryRunner = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode) => {
    const runner = createQueryRunner(mode);
    const query = runner.query.bind(runner);
    runner.query = async (...args) => {
      try {
        return await query(...args);
      } catch (error) {
        await onFailure(runner, error);
        throw error;
      }
    };
    return runner;
  };
}
