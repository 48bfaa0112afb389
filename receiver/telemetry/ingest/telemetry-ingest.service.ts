import { Injectable } from '@nestjs/common';
import { In, type DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import type { TelemetryReport } from './telemetry-report.parser';

/** Weight of the newest gap in the moving average of a host's report interval. */
const INTERVAL_SMOOTHING = 0.3;

/**
 * Stores a report in one transaction: every sample (an exact duplicate — same host, key and
 * collection time — is ignored by the unique key, so client retries never double count), the
 * latest value per key (only moved forward in time), and the host's activity figures.
 */
@Injectable()
export class TelemetryIngestService {
  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {}

  /** Stores the report; returns `false` when it was an exact repeat already stored. */
  async store(host: TelemetryHostEntity, report: TelemetryReport): Promise<boolean> {
    const receivedAt = new Date();
    const entries = Object.entries(report.data);
    return this.dataSource.transaction(async (manager) => {
      const known = await manager.getRepository(TelemetrySampleEntity).countBy({
        host_id: host.id,
        collected_at: report.collectedAt,
        key: In(entries.map(([key]) => key)),
      });
      // A client retry of a report that did arrive: acknowledge it again, change nothing.
      if (known === entries.length) return false;
      await manager
        .createQueryBuilder()
        .insert()
        .into(TelemetrySampleEntity)
        .values(
          entries.map(([key, value]) => ({
            project_id: host.project_id,
            host_id: host.id,
            key,
            value,
            numeric_value: typeof value === 'number' && Number.isFinite(value) ? value : null,
            collected_at: report.collectedAt,
            received_at: receivedAt,
          })) as QueryDeepPartialEntity<TelemetrySampleEntity>[],
        )
        .orIgnore()
        .updateEntity(false)
        .execute();
      await this.moveLatest(manager, host, report, receivedAt);
      await this.touchHost(manager, host, receivedAt);
      return true;
    });
  }

  private async moveLatest(
    manager: EntityManager,
    host: TelemetryHostEntity,
    report: TelemetryReport,
    receivedAt: Date,
  ): Promise<void> {
    const repository = manager.getRepository(TelemetryLatestEntity);
    const keys = Object.keys(report.data);
    const current = new Map(
      (await repository.findBy({ host_id: host.id, key: In(keys) })).map((row) => [row.key, row]),
    );
    const fresh: Partial<TelemetryLatestEntity>[] = [];
    for (const [key, value] of Object.entries(report.data)) {
      const row = current.get(key);
      if (!row) {
        fresh.push({
          project_id: host.project_id,
          host_id: host.id,
          key,
          value,
          collected_at: report.collectedAt,
          received_at: receivedAt,
        });
      } else if (row.collected_at.getTime() <= report.collectedAt.getTime()) {
        await repository.update({ id: row.id }, {
          value,
          collected_at: report.collectedAt,
          received_at: receivedAt,
        } as QueryDeepPartialEntity<TelemetryLatestEntity>);
      }
    }
    if (fresh.length > 0) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(TelemetryLatestEntity)
        .values(fresh as QueryDeepPartialEntity<TelemetryLatestEntity>[])
        .orIgnore()
        .updateEntity(false)
        .execute();
    }
  }

  private async touchHost(
    manager: EntityManager,
    host: TelemetryHostEntity,
    receivedAt: Date,
  ): Promise<void> {
    const previous = host.last_seen;
    const gap = previous ? (receivedAt.getTime() - previous.getTime()) / 1000 : null;
    if (gap !== null && gap > 0) {
      host.avg_interval_seconds =
        host.avg_interval_seconds === null
          ? gap
          : host.avg_interval_seconds * (1 - INTERVAL_SMOOTHING) + gap * INTERVAL_SMOOTHING;
    }
    host.last_seen = receivedAt;
    host.report_count += 1;
    await manager.getRepository(TelemetryHostEntity).update(
      { id: host.id },
      {
        last_seen: host.last_seen,
        report_count: () => 'report_count + 1',
        avg_interval_seconds: host.avg_interval_seconds,
      },
    );
  }
}
