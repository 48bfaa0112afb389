import type { EntityManager } from 'typeorm';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { SqlRunner } from '../../storage/sql/sql-runner';

/** One sample's identity: host, key and collection time (the idempotency key of a sample). */
export interface SamplePoint {
  hostId: number;
  key: string;
  collectedAt: Date;
}

/** Points per SELECT: three parameters each, far under every engine's bound-parameter limit. */
const POINTS_PER_SELECT = 300;

/** Identity of a point as a string, for set lookups. */
export const pointKey = (hostId: number, key: string, at: Date): string =>
  `${hostId}\u0000${key}\u0000${at.getTime()}`;

/**
 * Which of `points` are already stored, as {@link pointKey}s. Each point is one exact lookup on
 * the `(host_id, key, collected_at)` index, so the cost depends on the batch only — never on
 * how much history a host has (matching hosts and times separately would read every stored
 * sample of every host in the batch).
 */
export async function storedPoints(
  manager: EntityManager,
  points: SamplePoint[],
): Promise<Set<string>> {
  const sql = new SqlRunner(manager);
  const entity = TelemetrySampleEntity;
  const key = sql.escape('key');
  const seen = new Set<string>();
  for (let i = 0; i < points.length; i += POINTS_PER_SELECT) {
    const chunk = points.slice(i, i + POINTS_PER_SELECT);
    const rows = await sql.rows<{ host_id: unknown; key: string; collected_at: unknown }>(
      (p) =>
        `SELECT host_id, ${key}, collected_at FROM ${sql.table(entity)} WHERE ` +
        chunk
          .map(
            (point) =>
              `(host_id = ${p.add(point.hostId)} AND ${key} = ${p.add(point.key)} ` +
              `AND collected_at = ${p.add(sql.value(entity, 'collected_at', point.collectedAt))})`,
          )
          .join(' OR '),
    );
    for (const row of rows) {
      // Hydrated by the driver exactly as an entity read would (engines differ in date formats).
      const at = sql.hydrate(entity, 'collected_at', row.collected_at) as Date;
      seen.add(pointKey(Number(row.host_id), row.key, at));
    }
  }
  return seen;
}
