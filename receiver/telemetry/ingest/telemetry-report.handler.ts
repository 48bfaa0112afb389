import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  IngestHandlerRegistry,
  type IngestBatchContext,
  type IngestEvent,
  type IngestHandler,
} from '../../ingest';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { CommittedEventsBus } from '../../events/committed-events.bus';
import { withLiveHosts } from './report-hosts.sql';
import { insertNewSamples, pointKey, type SampleRow } from './new-samples.sql';
import { TELEMETRY_REPORT_JOB, type TelemetryReportJob } from './telemetry-report.job';

/** Weight of the newest gap in the moving average of a host's report interval. */
const INTERVAL_SMOOTHING = 0.3;
/** Rows per INSERT statement (far under every engine's bound-parameter limit). */
const ROWS_PER_INSERT = 400;

type Report = IngestEvent<TelemetryReportJob>;

/**
 * Writes telemetry reports on the one ingest engine, in the batch's transaction: every new sample
 * (an exact repeat — same host, key and collection time — is skipped, so client retries and
 * queue redeliveries never double count), the latest value per host and key (moved forward in
 * time only), and each host's activity figures. The samples' natural key makes a repeat change
 * nothing, so the handler needs no event-id column.
 */
@Injectable()
export class TelemetryReportHandler implements IngestHandler<TelemetryReportJob>, OnModuleInit {
  readonly kind = TELEMETRY_REPORT_JOB;

  constructor(
    private readonly registry: IngestHandlerRegistry,
    private readonly events: CommittedEventsBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async handle(batch: Report[], context: IngestBatchContext): Promise<void> {
    const sql = new SqlRunner(context.manager);
    const reports = await withLiveHosts(sql, batch);
    const fresh = await storeSamples(sql, reports);
    if (fresh.length === 0) return;
    await moveLatest(sql, fresh);
    await touchHosts(sql, fresh);
    if (!this.events.active) return;
    context.afterCommit(() =>
      this.events.publish(
        fresh.map((report) => ({
          type: 'telemetry',
          projectId: report.projectId,
          timestamp: report.receivedAt,
          hostId: report.hostId,
          host: report.host ?? String(report.hostId),
          values: report.data,
          reportedAt: report.collectedAt,
        })),
      ),
    );
  }
}

/**
 * Writes the samples of `reports` and returns the reports that added at least one: a report whose
 * every sample was already stored is a retry of one that did arrive, and counts nowhere else.
 */
async function storeSamples(sql: SqlRunner, reports: Report[]): Promise<Report[]> {
  const samples: SampleRow[] = [];
  for (const report of reports) {
    // One Date per report: the insert converts each distinct time once, not once per sample.
    const collectedAt = new Date(report.collectedAt);
    const receivedAt = new Date(report.receivedAt);
    for (const [key, value] of Object.entries(report.data)) {
      samples.push({
        project_id: report.projectId,
        host_id: report.hostId,
        key,
        value,
        numeric_value: typeof value === 'number' && Number.isFinite(value) ? value : null,
        collected_at: collectedAt,
        received_at: receivedAt,
      });
    }
  }
  const inserted = await insertNewSamples(sql, samples);
  return reports.filter((report) =>
    Object.keys(report.data).some((key) =>
      inserted.has(pointKey(report.hostId, key, report.collectedAt)),
    ),
  );
}

async function moveLatest(sql: SqlRunner, reports: Report[]): Promise<void> {
  // Within a batch keep only the newest value per host and key; the statement orders the rest.
  const newest = new Map<string, Omit<TelemetryLatestEntity, 'id'>>();
  for (const report of reports) {
    const collectedAt = new Date(report.collectedAt);
    const receivedAt = new Date(report.receivedAt);
    for (const [key, value] of Object.entries(report.data)) {
      const id = `${report.hostId}\u0000${key}`;
      const known = newest.get(id);
      if (!known || known.collected_at.getTime() <= report.collectedAt) {
        newest.set(id, {
          project_id: report.projectId,
          host_id: report.hostId,
          key,
          value,
          // The declaration travels with each report: the latest one is the one that holds.
          value_type: report.metadata[key]?.type ?? null,
          unit: report.metadata[key]?.unit ?? null,
          collected_at: collectedAt,
          received_at: receivedAt,
        });
      }
    }
  }
  const rows = [...newest.values()];
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

/** Per host: reports counted, `last_seen` moved to the newest arrival, interval average updated. */
async function touchHosts(sql: SqlRunner, reports: Report[]): Promise<void> {
  const byHost = new Map<number, { count: number; last: number }>();
  for (const report of reports) {
    const entry = byHost.get(report.hostId) ?? { count: 0, last: 0 };
    entry.count += 1;
    entry.last = Math.max(entry.last, report.receivedAt);
    byHost.set(report.hostId, entry);
  }
  const entity = TelemetryHostEntity;
  // Read inside the batch's transaction: a worker in another process sees the current figures.
  const rows = await sql.rows<{ id: unknown; last_seen: unknown; avg_interval_seconds: unknown }>(
    (p) =>
      `SELECT id, last_seen, avg_interval_seconds FROM ${sql.table(entity)} ` +
      `WHERE id IN (${p.list([...byHost.keys()])})`,
  );
  for (const row of rows) {
    const { count, last } = byHost.get(Number(row.id))!;
    const previous = sql.hydrate(entity, 'last_seen', row.last_seen) as Date | null;
    // A late (redelivered) report never moves last_seen backwards.
    const lastSeen = Math.max(previous?.getTime() ?? 0, last);
    let average = row.avg_interval_seconds === null ? null : Number(row.avg_interval_seconds);
    const gap = previous ? (last - previous.getTime()) / 1000 : null;
    if (gap !== null && gap > 0) {
      average =
        average === null ? gap : average * (1 - INTERVAL_SMOOTHING) + gap * INTERVAL_SMOOTHING;
    }
    // The count is incremented in SQL so concurrent writers never lose reports. One fixed
    // statement text for every host: prepared once, reused by every batch.
    await sql.run(
      (p) =>
        `UPDATE ${sql.table(entity)} ` +
        `SET last_seen = ${p.add(sql.value(entity, 'last_seen', new Date(lastSeen)))}, ` +
        `report_count = report_count + ${p.add(count)}, ` +
        `avg_interval_seconds = ${p.add(average)} WHERE id = ${p.add(row.id)}`,
    );
  }
}
