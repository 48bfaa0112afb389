import { In, type DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import type { TelemetryReport } from './telemetry-report.parser';

/** Weight of the newest gap in the moving average of a host's report interval. */
const INTERVAL_SMOOTHING = 0.3;
/** Rows per INSERT statement (far under every engine's bound-parameter limit). */
const ROWS_PER_INSERT = 400;

interface Item {
  host: TelemetryHostEntity;
  report: TelemetryReport;
}

const pointKey = (hostId: number, key: string, at: Date) =>
  `${hostId}\u0000${key}\u0000${at.getTime()}`;

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
    for (let i = 0; i < samples.length; i += ROWS_PER_INSERT) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(TelemetrySampleEntity)
        .values(
          samples.slice(i, i + ROWS_PER_INSERT) as QueryDeepPartialEntity<TelemetrySampleEntity>[],
        )
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
    await moveLatest(manager, fresh, receivedAt);
    await touchHosts(manager, fresh, receivedAt);
  });
}

/** Drops reports whose every sample is already stored (a retry of a report that did arrive). */
async function withoutRepeats(manager: EntityManager, items: Item[]): Promise<Item[]> {
  const stored = await manager.getRepository(TelemetrySampleEntity).find({
    select: { host_id: true, key: true, collected_at: true },
    where: {
      host_id: In([...new Set(items.map((item) => item.host.id))]),
      collected_at: In(
        [...new Set(items.map((item) => item.report.collectedAt.getTime()))].map(
          (t) => new Date(t),
        ),
      ),
    },
  });
  const seen = new Set(stored.map((row) => pointKey(row.host_id, row.key, row.collected_at)));
  return items.filter(
    ({ host, report }) =>
      !Object.keys(report.data).every((key) =>
        seen.has(pointKey(host.id, key, report.collectedAt)),
      ),
  );
}

async function moveLatest(manager: EntityManager, items: Item[], receivedAt: Date): Promise<void> {
  const repository = manager.getRepository(TelemetryLatestEntity);
  const newest = new Map<
    string,
    { host: TelemetryHostEntity; key: string; value: unknown; at: Date }
  >();
  for (const { host, report } of items) {
    for (const [key, value] of Object.entries(report.data)) {
      const id = `${host.id}\u0000${key}`;
      const known = newest.get(id);
      if (!known || known.at.getTime() <= report.collectedAt.getTime()) {
        newest.set(id, { host, key, value, at: report.collectedAt });
      }
    }
  }
  const current = new Map(
    (
      await repository.findBy({
        host_id: In([...new Set(items.map((item) => item.host.id))]),
        key: In([...new Set([...newest.values()].map((entry) => entry.key))]),
      })
    ).map((row) => [`${row.host_id}\u0000${row.key}`, row]),
  );
  const inserts: QueryDeepPartialEntity<TelemetryLatestEntity>[] = [];
  for (const [id, entry] of newest) {
    const row = current.get(id);
    const values = { value: entry.value, collected_at: entry.at, received_at: receivedAt };
    if (!row) {
      inserts.push({
        project_id: entry.host.project_id,
        host_id: entry.host.id,
        key: entry.key,
        ...values,
      } as QueryDeepPartialEntity<TelemetryLatestEntity>);
    } else if (row.collected_at.getTime() <= entry.at.getTime()) {
      await repository.update(
        { id: row.id },
        values as QueryDeepPartialEntity<TelemetryLatestEntity>,
      );
    }
  }
  for (let i = 0; i < inserts.length; i += ROWS_PER_INSERT) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(TelemetryLatestEntity)
      .values(inserts.slice(i, i + ROWS_PER_INSERT))
      .orIgnore()
      .updateEntity(false)
      .execute();
  }
}

async function touchHosts(manager: EntityManager, items: Item[], receivedAt: Date): Promise<void> {
  const reports = new Map<number, { host: TelemetryHostEntity; count: number }>();
  for (const { host } of items) {
    const entry = reports.get(host.id) ?? { host, count: 0 };
    entry.count += 1;
    reports.set(host.id, entry);
  }
  const repository = manager.getRepository(TelemetryHostEntity);
  for (const { host, count } of reports.values()) {
    // Re-read inside the transaction: concurrent batches may have moved the figures on.
    const row = await repository.findOneBy({ id: host.id });
    if (!row) continue;
    const gap = row.last_seen ? (receivedAt.getTime() - row.last_seen.getTime()) / 1000 : null;
    let average = row.avg_interval_seconds;
    if (gap !== null && gap > 0) {
      average =
        average === null ? gap : average * (1 - INTERVAL_SMOOTHING) + gap * INTERVAL_SMOOTHING;
    }
    await repository.update(
      { id: host.id },
      {
        last_seen: receivedAt,
        report_count: row.report_count + count,
        avg_interval_seconds: average,
      },
    );
  }
}
