import { createHmac } from 'node:crypto';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TIMESTAMP_HEADER } from './security.constants';

/**
 * Computes the HMAC-SHA256 signature of exactly the bytes that go on the wire. It is handed the
 * final body (after encryption, if any), so a receiver verifies the raw bytes it received without
 * re-encoding anything — which removes the Laravel package's escaping quirk.
 *
 * `compatible` mode: hex HMAC of the body, as laravel-telemetry-reporter sends it.
 * `timestamped` mode: hex HMAC of `${unixSeconds}.${body}`, the time in `X-Telemetry-Timestamp`, so a
 * receiver can refuse stale or replayed requests.
 */
export class RequestSigner {
  constructor(private readonly settings: ResolvedTelemetryOptions['signing']) {}

  /** True when signing is enabled but cannot work (no key or header): warn once, send unsigned. */
  get misconfigured(): boolean {
    return this.settings.enabled && (!this.settings.key || !this.settings.header);
  }

  /** True when requests will carry a signature. */
  get active(): boolean {
    return this.settings.enabled && Boolean(this.settings.key) && Boolean(this.settings.header);
  }

  /** The signature header's name. */
  get headerName(): string {
    return this.settings.header;
  }

  /** Headers proving `body`'s integrity (none when signing is off or unusable). */
  sign(body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, string> {
    if (!this.active) return {};
    const hmac = createHmac('sha256', this.settings.key!);
    if (this.settings.mode === 'timestamped') {
      const timestamp = String(nowSeconds);
      hmac.update(`${timestamp}.`, 'utf8').update(body);
      return { [TIMESTAMP_HEADER]: timestamp, [this.settings.header]: hmac.digest('hex') };
    }
    return { [this.settings.header]: hmac.update(body).digest('hex') };
  }
}
