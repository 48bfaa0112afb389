import type { HealthCheckResult, ReceiverHealthIndicator } from '../health';
import { GeoIpService } from './geoip.service';

/**
 * The `geoip` health check from the loaded reader (replacing the file-exists check of the core):
 * `ok` while a database is in use, `warn` — never `fail` — without a readable one.
 */
export class GeoIpHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'geoip';

  constructor(private readonly geoip: GeoIpService) {}

  async check(): Promise<HealthCheckResult> {
    return { ...this.geoip.status() };
  }
}
