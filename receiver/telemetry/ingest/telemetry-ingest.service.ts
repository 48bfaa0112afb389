import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { writeReportBatch } from './telemetry-batch.writer';
import type { TelemetryReport } from './telemetry-report.parser';

interface Pending {
  host: TelemetryHostEntity;
  report: TelemetryReport;
  resolve(): void;
  reject(error: unknown): void;
}

/** Most reports committed by one transaction. */
const MAX_BATCH = 500;

/**
 * Stores reports with group commits: reports arriving in the same event-loop turn are written
 * by one transaction, and each request is answered only once its own report is committed
 * (nothing acknowledged is lost). A batch that fails is retried report by report, so one bad
 * report cannot fail its neighbours.
 */
@Injectable()
export class TelemetryIngestService implements OnApplicationShutdown {
  private readonly logger = new Logger('ReceiverTelemetry');
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {}

  /** Resolves when the report is committed. */
  store(host: TelemetryHostEntity, report: TelemetryReport): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ host, report, resolve, reject });
      if (!this.flushing)
        this.flushing = new Promise((done) => setImmediate(done)).then(() => this.flush());
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await writeReportBatch(this.dataSource, batch);
        batch.forEach((item) => item.resolve());
      } catch (error) {
        this.logger.warn(
          `batch of ${batch.length} reports failed, retrying one by one: ${String(error)}`,
        );
        for (const item of batch) {
          await writeReportBatch(this.dataSource, [item]).then(item.resolve, item.reject);
        }
      }
    }
    this.flushing = undefined;
  }
}
