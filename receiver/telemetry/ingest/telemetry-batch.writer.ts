import type { DataSource, EntityManager } from 'typeorm';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { pointKey, storedPoints } from './stored-points.sql';
import type { TelemetryReport } from './telemetry-report.parser';

/** Weight of the newest gap in the moving average of a host's report interval. */
const INTERVAL_SMOOTHING = 0.3;
/** Rows per INSERT statement (far under every engine's bound-parameter limit). */
const ROWS_PER_INSERT = 400;

/** One latest value to write. */
type LatestRow = Omit<TelemetryLatestEntity, 'id'>;

interface Item {
  host: TelemetryHostEntity;
  report: TelemetryReport;
}

/**
 * Writes reports in one transaction: every new sample (an exact repeat — same host, key and
 * collection time — is skipped, so client retries never double count), the latest value per
 * host and key (moved forward in time only), and each host's activity figures.
 */
export async function writeReportBatch(dataSource: DataSource, items: Item[]): Promise<void> {
  const receivedAt = new Date();
  await dataSource.transaction(async (manager) => {
    const fresh = await withoutRepeats(manager, items);
    if (fresh.length === 0) return;
    const samples = fresh.flatMap(({ host, report }) =>
      Object.entries(report.data).map(([key, value]) => ({
        project_id: host.project_id,
        host_id: host.id,
        key,
        value,
        numeric_value: typeof value === 'number' && Number.isFinite(value) ? value : null,
        collected_at: report.collectedAt,
        received_at: receivedAt,
      })),
    );
    const sql = new SqlRunner(manager);
    for (let i = 0; i < samples.length; i += ROWS_PER_INSERT) {
      await sql.insertIgnore(TelemetrySampleEntity, samples.slice(i, i + ROWS_PER_INSERT));
    }
    await moveLatest(manager, fresh, receivedAt);
    await touchHosts(manager, fresh, receivedAt);
  });
}

/** Drops reports whose every sample is already stored (a retry of a report that did arrive). */
async function withoutRepeats(manager: EntityManager, items: Item[]): Promise<Item[]> {
  const points = items.flatMap(({ host, report }) =>
    Object.keys(report.data).map((key) => ({
      hostId: host.id,
      key,
      collectedAt: report.collectedAt,
    })),
  );
  const seen = await storedPoints(manager, points);
  return items.filter(
    ({ host, report }) =>
      !Object.keys(report.data).every((key) =>
        seen.has(pointKey(host.id, key, report.collectedAt)),
      ),
  );
}

async function moveLatest(manager: EntityManager, items: Item[], receivedAt: Date): Promise<void> {
  // Within a batch keep only the newest value per host and key; the statement orders the rest.
  const newest = new Map<string, LatestRow>();
  for (const { host, report } of items) {
    for (const [key, value] of Object.entries(report.data)) {
      const id = `${host.id}\u0000${key}`;
      const known = newest.get(id);
      if (!known || known.collected_at.getTime() <= report.collectedAt.getTime()) {
        newest.set(id, {
          project_id: host.project_id,
          host_id: host.id,
          key,
          value,
          // The declaration travels with each report: the latest one is the one that holds.
          value_type: report.metadata[key]?.type ?? null,
          unit: report.metadata[key]?.unit ?? null,
          collected_at: report.collectedAt,
          received_at: receivedAt,
        });
      }
    }
  }
  const rows = [...newest.values()];
  const sql = new SqlRunner(manager);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    // An older report arriving late leaves the newer value in place.
    await sql.insert(TelemetryLatestEntity, rows.slice(i, i + ROWS_PER_INSERT), {
      kind: 'newer',
      key: ['host_id', 'key'],
      update: ['value', 'value_type', 'unit', 'collected_at', 'received_at'],
      newer: 'collected_at',
    });
  }
}

async function touchHosts(manager: EntityManager, items: Item[], receivedAt: Date): Promise<void> {
  const reports = new Map<number, { host: TelemetryHostEntity; count: number }>();
  for (const { host } of items) {
    const entry = reports.get(host.id) ?? { host, count: 0 };
    entry.count += 1;
    reports.set(host.id, entry);
  }
  const sql = new SqlRunner(manager);
  const entity = TelemetryHostEntity;
  const lastSeen = sql.value(entity, 'last_seen', receivedAt);
  for (const { host, count } of reports.values()) {
    // The host row was read when the request arrived; the count is incremented in SQL so
    // concurrent writers never lose reports, and the interval average tolerates the rare race.
    const gap = host.last_seen ? (receivedAt.getTime() - host.last_seen.getTime()) / 1000 : null;
    let average = host.avg_interval_seconds;
    if (gap !== null && gap > 0) {
      average =
        average === null ? gap : average * (1 - INTERVAL_SMOOTHING) + gap * INTERVAL_SMOOTHING;
    }
    // One fixed statement text for every host: prepared once, reused by every batch.
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(entity)} SET last_seen = ${p.add(lastSeen)}, ` +
        `report_count = report_count + ${p.add(count)}, ` +
        `avg_interval_seconds = ${p.add(average)} WHERE id = ${p.add(host.id)}`,
    );
    host.last_seen = receivedAt;
    host.avg_interval_seconds = average;
  }
}
