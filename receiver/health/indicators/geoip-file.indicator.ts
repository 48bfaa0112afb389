import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { HealthMessages } from '../health.messages';
import type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from '../interfaces/health-indicator.interface';

/** Whether the configured `.mmdb` file exists. Never `fail`: without it only geo data is lost. */
export class GeoipFileHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'geoip';

  constructor(private readonly path: string | undefined) {}

  async check(): Promise<HealthCheckResult> {
    if (!this.path) return { status: 'warn', message: HealthMessages.geoipNotConfigured };
    const file = basename(this.path);
    try {
      await access(this.path);
      return { status: 'ok', message: HealthMessages.geoipFound(file) };
    } catch {
      return { status: 'warn', message: HealthMessages.geoipMissing(file) };
    }
  }
}
