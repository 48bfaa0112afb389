import { Inject, Injectable } from '@nestjs/common';
import { Between, type DataSource } from 'typeorm';
import { formatDateTime, zonedToUtc } from '../../common/time/receiver-time';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { TelemetryMessages } from '../telemetry.messages';
import { bucketSamples, type HistoryBucket } from './key-history';
import { TelemetryHostsRepository } from './telemetry-hosts.repository';
import { InvalidInputError, NotFoundError } from '../../common/errors/receiver.errors';

/** Most samples one history request reads. */
const HISTORY_LIMIT = 100_000;
const DAY_MS = 86_400_000;
const MIN_STALE_AFTER_MS = 120_000;

/** Read and admin side of telemetry hosts. */
@Injectable()
export class TelemetryHostsService {
  constructor(
    @InjectReceiverDataSource() private readonly dataSource: DataSource,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly hosts: TelemetryHostsRepository,
  ) {}

  /**
   * Host as the API shows it. `stale` = silent for more than twice its usual interval, and for
   * at least two minutes: bursts (retries, replicas) make the measured interval tiny, and a host
   * is not "missing" a few seconds after it reported.
   */
  view(host: TelemetryHostEntity, now = Date.now()) {
    const interval = host.avg_interval_seconds;
    const silentFor = host.last_seen === null ? 0 : now - host.last_seen.getTime();
    const stale =
      interval !== null && silentFor > Math.max(2 * interval * 1000, MIN_STALE_AFTER_MS);
    return {
      host: host.host,
      status: host.status,
      first_seen: this.time(host.first_seen),
      last_seen: host.last_seen ? this.time(host.last_seen) : null,
      report_count: host.report_count,
      interval_seconds: interval === null ? null : Math.round(interval),
      stale,
      response_extras: host.response_extras,
    };
  }

  async list(projectId: number): Promise<TelemetryHostEntity[]> {
    return this.hosts.repository.find({ where: { project_id: projectId }, order: { host: 'ASC' } });
  }

  /** A host of the project, or 404. */
  async get(projectId: number, host: string): Promise<TelemetryHostEntity> {
    const found = await this.hosts.find(projectId, host);
    if (!found) throw new NotFoundError(TelemetryMessages.hostNotFound(host));
    return found;
  }

  async latest(host: TelemetryHostEntity): Promise<Record<string, unknown>> {
    const rows = await this.dataSource
      .getRepository(TelemetryLatestEntity)
      .find({ where: { host_id: host.id }, order: { key: 'ASC' } });
    const values: Record<string, unknown> = {};
    for (const row of rows) {
      values[row.key] = {
        value: row.value,
        // The declared type, else what the value is taken for: a number is a gauge, the rest info.
        type: row.value_type ?? (typeof row.value === 'number' ? 'gauge' : 'info'),
        type_declared: row.value_type !== null,
        unit: row.unit,
        collected_at: this.time(row.collected_at),
        received_at: this.time(row.received_at),
      };
    }
    return values;
  }

  async history(
    host: TelemetryHostEntity,
    key: string,
    query: { from?: string; to?: string; bucket?: string },
  ) {
    const bucket = (query.bucket || 'raw') as HistoryBucket;
    if (!['raw', 'hour', 'day'].includes(bucket)) {
      throw new InvalidInputError(TelemetryMessages.bucketInvalid);
    }
    const to = query.to ? this.parseInstant(query.to, true) : new Date();
    const span = bucket === 'day' ? 30 * DAY_MS : DAY_MS;
    const from = query.from ? this.parseInstant(query.from, false) : new Date(to.getTime() - span);
    if (from.getTime() > to.getTime()) throw new InvalidInputError(TelemetryMessages.rangeInvalid);
    const samples = await this.dataSource.getRepository(TelemetrySampleEntity).find({
      select: { collected_at: true, value: true, numeric_value: true },
      where: { host_id: host.id, key, collected_at: Between(from, to) },
      order: { collected_at: 'ASC' },
      take: HISTORY_LIMIT,
    });
    const range = { from: this.time(from), to: this.time(to) };
    if (bucket === 'raw') {
      const points = samples.map((s) => ({
        collected_at: this.time(s.collected_at),
        value: s.value,
      }));
      return { host: host.host, key, bucket, range, count: points.length, points };
    }
    const points = bucketSamples(samples, bucket, this.options.timezone);
    return { host: host.host, key, bucket, range, count: points.length, points };
  }

  async approve(host: TelemetryHostEntity): Promise<void> {
    await this.hosts.repository.update({ id: host.id }, { status: 'approved' });
    host.status = 'approved';
    this.hosts.forget(host);
  }

  /** Deletes the host with its samples, latest values and tokens (foreign keys cascade). */
  async delete(host: TelemetryHostEntity): Promise<void> {
    this.hosts.forget(host);
    await this.dataSource.transaction(async (manager) => {
      // The host row first, with the strongest lock (the report's write takes it first too): a
      // report written at the same moment waits for this delete instead of deadlocking with it,
      // and then re-creates the host.
      const sql = new SqlRunner(manager);
      await sql.rows(
        (p) =>
          `SELECT id FROM ${sql.escape('telemetry_hosts')} WHERE id = ${p.add(host.id)}` +
          sql.dialect.lockRows,
      );
      for (const table of ['telemetry_tokens', 'telemetry_latest', 'telemetry_samples']) {
        await manager
          .createQueryBuilder()
          .delete()
          .from(table)
          .where('host_id = :id', { id: host.id })
          .execute();
      }
      await manager
        .createQueryBuilder()
        .delete()
        .from('telemetry_hosts')
        .where('id = :id', { id: host.id })
        .execute();
    });
    // Again after the commit: a report may have cached the row while it was being deleted.
    this.hosts.forget(host);
  }

  async setExtras(host: TelemetryHostEntity, extras: Record<string, unknown>): Promise<void> {
    host.response_extras = extras;
    await this.hosts.repository.save(host);
    this.hosts.forget(host);
  }

  private time(date: Date): string {
    return formatDateTime(date, this.options.timezone);
  }

  /** ISO-8601 instant, or a bare `YYYY-MM-DD` read in the configured zone (whole day for `to`). */
  private parseInstant(value: string, endOfDay: boolean): Date {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      return zonedToUtc(`${value} ${endOfDay ? '23:59:59' : '00:00:00'}`, this.options.timezone);
    }
    const millis = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
    if (!Number.isFinite(millis)) throw new InvalidInputError(TelemetryMessages.rangeInvalid);
    return new Date(millis);
  }
}
