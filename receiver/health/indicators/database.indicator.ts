import type { DataSource } from 'typeorm';
import { HealthMessages } from '../health.messages';
import type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from '../interfaces/health-indicator.interface';

/** `SELECT 1` on the receiver's data source. */
export class DatabaseHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'database';

  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<HealthCheckResult> {
    try {
      await this.dataSource.query('SELECT 1');
      return { status: 'ok', message: HealthMessages.connected };
    } catch {
      return { status: 'fail', message: HealthMessages.databaseFailed };
    }
  }
}
