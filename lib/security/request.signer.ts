import { createHmac } from 'node:crypto';
import { DEFAULT_SIGNATURE_HEADER, TIMESTAMP_HEADER } from './security.constants';
import { SecurityMessages } from './security.messages';
import { TelemetrySigningMode, TelemetrySigningSettings } from './interfaces/signing-options.interface';

/** What signing a body produced: the headers to add, or nothing when signing is off or unusable. */
export type SignatureHeaders = Record<string, string>;

/**
 * Computes the HMAC-SHA256 signature of exactly the bytes that go on the wire. It is handed the
 * final body (after encryption, if any), so a receiver verifies the raw bytes it received without
 * re-encoding anything — which removes the Laravel package's escaping quirk.
 */
export class RequestSigner {
  private readonly mode: TelemetrySigningMode;
  private readonly header: string;

  constructor(private readonly settings: TelemetrySigningSettings | undefined) {
    const mode = settings?.mode ?? 'compatible';
    if (mode !== 'compatible' && mode !== 'timestamped') {
      throw new Error(SecurityMessages.invalidSigningMode(mode));
    }
    this.mode = mode;
    this.header = settings?.header || DEFAULT_SIGNATURE_HEADER;
  }

  /** True when signing is enabled but cannot work (no key): the caller warns once and sends unsigned. */
  get misconfigured(): boolean {
    return Boolean(this.settings?.enabled) && !this.settings?.key;
  }

  /** True when requests will carry a signature. */
  get active(): boolean {
    return Boolean(this.settings?.enabled && this.settings.key);
  }

  /** The signature header's name (lower-cased comparisons are the caller's business). */
  get headerName(): string {
    return this.header;
  }

  /**
   * Headers proving `body`'s integrity. `nowSeconds` is injectable so tests and receivers can reason
   * about the timestamp; it defaults to the current unix time.
   */
  sign(body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): SignatureHeaders {
    if (!this.active) return {};
    const hmac = createHmac('sha256', this.settings!.key!);
    if (this.mode === 'timestamped') {
      const timestamp = String(nowSeconds);
      hmac.update(`${timestamp}.`, 'utf8').update(body);
      return { [TIMESTAMP_HEADER]: timestamp, [this.header]: hmac.digest('hex') };
    }
    return { [this.header]: hmac.update(body).digest('hex') };
  }
}
