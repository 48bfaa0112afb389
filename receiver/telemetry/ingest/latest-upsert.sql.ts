import type { EntityManager } from 'typeorm';
import { dialectOf } from '../../storage/dialect';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { BatchSql } from '../../storage/batch-sql';

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
 * is the one function that knows it. Positional parameters through {@link BatchSql}: TypeORM's
 * named-parameter expansion cost more than the statement itself.
 */
export async function upsertLatest(manager: EntityManager, rows: LatestRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sql = new BatchSql(manager);
  const entity = TelemetryLatestEntity;
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    parameters.push(
      row.projectId,
      row.hostId,
      row.key,
      sql.value(entity, 'value', row.value),
      sql.value(entity, 'collected_at', row.collectedAt),
      sql.value(entity, 'received_at', row.receivedAt),
    );
    return '(?, ?, ?, ?, ?, ?)';
  });
  const key = manager.connection.driver.escape('key');
  const insert =
    `INSERT INTO ${sql.table(entity)} (project_id, host_id, ${key}, value, collected_at, received_at) ` +
    `VALUES ${tuples.join(', ')}`;
  let statement: string;
  if (dialectOf(manager.connection) === 'mysql') {
    // Assignments run left to right: collected_at must change last, after the comparisons.
    const newer = 'VALUES(collected_at) >= collected_at';
    statement =
      `${insert} ON DUPLICATE KEY UPDATE value = IF(${newer}, VALUES(value), value), ` +
      `received_at = IF(${newer}, VALUES(received_at), received_at), ` +
      `collected_at = IF(${newer}, VALUES(collected_at), collected_at)`;
  } else {
    statement =
      `${insert} ON CONFLICT (host_id, ${key}) DO UPDATE SET ` +
      'value = excluded.value, collected_at = excluded.collected_at, received_at = excluded.received_at ' +
      'WHERE telemetry_latest.collected_at <= excluded.collected_at';
  }
  await sql.run(statement, parameters);
}
