import type { DataSource } from 'typeorm';
import { storageOutageOf } from '../../storage/storage-outage.monitor';
import { HealthMessages } from '../health.messages';
import type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from '../interfaces/health-indicator.interface';

/**
 * `SELECT 1` on the receiver's data source, and the storage outage the write path saw: a full
 * disk answers `SELECT 1` happily while no write can commit, so a failing write is `fail` too
 * until a write succeeds again; on SQLite, a failing WAL checkpoint (see
 * `SqliteWalCheckpointer`) likewise until a checkpoint succeeds.
 */
export class DatabaseHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'database';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<HealthCheckResult> {
    const outage = storageOutageOf(this.dataSource).current;
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      return { status: 'fail', message: HealthMessages.databaseFailed };
    }
    if (outage) {
      return {
        status: 'fail',
        message:
          outage.operation === 'checkpoints'
            ? HealthMessages.databaseCheckpointsFailing(outage.reason)
            : HealthMessages.databaseWritesFailing(outage.reason),
        since: outage.since.toISOString(),
      };
    }
    return { status: 'ok', message: HealthMessages.connected };
  }
}
