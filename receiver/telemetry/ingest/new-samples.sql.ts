import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import type { SqlRunner } from '../../storage/sql/sql-runner';

/** One sample row as the report handler writes it. */
export interface SampleRow {
  project_id: number;
  host_id: number;
  key: string;
  value: unknown;
  numeric_value: number | null;
  collected_at: Date;
  received_at: Date;
}

/** Rows per INSERT statement (far under every engine's bound-parameter limit). */
const ROWS_PER_INSERT = 400;

/** Identity of a sample point (host, key, collection time in ms) as a string, for set lookups. */
export const pointKey = (hostId: number, key: string, collectedAt: number): string =>
  `${hostId}\u0000${key}\u0000${collectedAt}`;

/**
 * Inserts `samples`, skipping each one whose point — host, key and collection time, the unique
 * index — is already stored, and returns the {@link pointKey}s of the rows it did insert. The
 * statement itself says which rows were new (`RETURNING` the inserted rows only), so telling a
 * retried report from a new one costs no lookup of its points beforehand.
 */
export async function insertNewSamples(sql: SqlRunner, samples: SampleRow[]): Promise<Set<string>> {
  const entity = TelemetrySampleEntity;
  const inserted = new Set<string>();
  // The rows of a batch share a few collection times: each distinct stored value is read once.
  const times = new Map<unknown, number>();
  const timeOf = (raw: unknown): number => {
    let time = times.get(raw);
    if (time === undefined) {
      // Hydrated by the driver exactly as an entity read would (engines differ in date formats).
      time = (sql.hydrate(entity, 'collected_at', raw) as Date).getTime();
      times.set(raw, time);
    }
    return time;
  };
  for (let i = 0; i < samples.length; i += ROWS_PER_INSERT) {
    const rows = await sql.insertReturning<{
      host_id: unknown;
      key: string;
      collected_at: unknown;
    }>(entity, samples.slice(i, i + ROWS_PER_INSERT), {
      kind: 'new',
      returning: ['host_id', 'key', 'collected_at'],
    });
    for (const row of rows) {
      inserted.add(pointKey(Number(row.host_id), row.key, timeOf(row.collected_at)));
    }
  }
  return inserted;
}
