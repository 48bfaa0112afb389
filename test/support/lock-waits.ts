import type { DataSource } from 'typeorm';

/**
 * How many sessions of `ds`'s database wait for a lock another session holds (PostgreSQL or
 * MariaDB): race tests start a second transaction, then wait until it is blocked before they
 * let the first one commit.
 */
export async function lockWaits(ds: DataSource): Promise<number> {
  const [{ n }] = await ds.query(
    ds.options.type === 'postgres'
      ? `SELECT COUNT(*) AS n FROM pg_stat_activity ` +
          `WHERE datname = current_database() AND wait_event_type = 'Lock'`
      : `SELECT COUNT(*) AS n FROM information_schema.innodb_trx t ` +
          `JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id ` +
          `WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()`,
  );
  return Number(n);
}
