import type { EntityManager } from 'typeorm';
import { dialectOf } from '../../storage/dialect';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';

/** One latest value to write. */
export interface LatestRow {
  projectId: number;
  hostId: number;
  key: string;
  value: unknown;
  collectedAt: Date;
  receivedAt: Date;
}

/**
 * Upserts latest values in one statement, moving a value only forward in time (an older report
 * arriving late leaves the newer value in place). The conflict clause differs per dialect; this
 * is the one function that knows it.
 */
export async function upsertLatest(manager: EntityManager, rows: LatestRow[]): Promise<void> {
  if (rows.length === 0) return;
  const dialect = dialectOf(manager.connection);
  const metadata = manager.connection.getMetadata(TelemetryLatestEntity);
  const column = (name: string) => metadata.findColumnWithPropertyName(name)!;
  const driver = manager.connection.driver;
  const at = (date: Date, name: string) => driver.preparePersistentValue(date, column(name));
  const params: Record<string, unknown> = {};
  const tuples = rows.map((row, i) => {
    params[`p${i}`] = row.projectId;
    params[`h${i}`] = row.hostId;
    params[`k${i}`] = row.key;
    params[`v${i}`] = JSON.stringify(row.value);
    params[`c${i}`] = at(row.collectedAt, 'collected_at');
    params[`r${i}`] = at(row.receivedAt, 'received_at');
    return `(:p${i}, :h${i}, :k${i}, :v${i}, :c${i}, :r${i})`;
  });
  const insert =
    'INSERT INTO telemetry_latest (project_id, host_id, `key`, value, collected_at, received_at) VALUES ' +
    tuples.join(', ');
  let sql: string;
  if (dialect === 'mysql') {
    // Assignments run left to right: collected_at must change last, after the comparisons.
    const newer = 'VALUES(collected_at) >= collected_at';
    sql =
      `${insert} ON DUPLICATE KEY UPDATE value = IF(${newer}, VALUES(value), value), ` +
      `received_at = IF(${newer}, VALUES(received_at), received_at), ` +
      `collected_at = IF(${newer}, VALUES(collected_at), collected_at)`;
  } else {
    sql =
      `${insert.replace(/`/g, '"')} ON CONFLICT (host_id, "key") DO UPDATE SET ` +
      'value = excluded.value, collected_at = excluded.collected_at, received_at = excluded.received_at ' +
      'WHERE telemetry_latest.collected_at <= excluded.collected_at';
  }
  const [query, parameters] = driver.escapeQueryWithParameters(sql, params);
  await manager.query(query, parameters);
}
