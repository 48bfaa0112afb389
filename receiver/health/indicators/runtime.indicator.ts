import { HealthMessages } from '../health.messages';
import type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from '../interfaces/health-indicator.interface';

const MINIMUM = [20, 19];

/**
 * The runtime check. It keeps the Micrologs key `php` (and its `version` field) so monitors
 * written for the PHP engine keep parsing the document; the value is the Node.js version.
 */
export class RuntimeHealthIndicator implements ReceiverHealthIndicator {
  readonly name = 'php';

  constructor(private readonly version = process.versions.node) {}

  async check(): Promise<HealthCheckResult> {
    const [major, minor] = this.version.split('.').map(Number);
    const supported = major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]);
    return supported
      ? { status: 'ok', message: HealthMessages.runtimeOk(this.version), version: this.version }
      : {
          status: 'fail',
          message: HealthMessages.runtimeTooOld(MINIMUM.join('.'), this.version),
          version: this.version,
        };
  }
}
