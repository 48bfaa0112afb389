import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ReceiverHttpException } from '../../common/envelope/receiver-http.exception';
import { header } from '../../common/request/receiver-request';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import {
  SIGNATURE_HEADER,
  SIGNATURE_WINDOW_SECONDS,
  TIMESTAMP_HEADER,
} from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { ReplayGuardService } from './replay-guard.service';

const hmac = (key: string, ...parts: Buffer[]): Buffer => {
  const mac = createHmac('sha256', key);
  parts.forEach((part) => mac.update(part));
  return mac.digest();
};

const matches = (given: Buffer, expected: Buffer): boolean =>
  given.length === expected.length && timingSafeEqual(given, expected);

/**
 * Verifies report signatures when the project has a signing secret (else does nothing).
 * - compatible mode: hex HMAC-SHA256 of the raw body. laravel-telemetry-reporter signs an
 *   unescaped re-encoding while its HTTP client escapes `/` and non-ASCII, so a body that fails
 *   on its raw bytes is checked once more against `JSON.stringify` of its parsed form.
 * - timestamped mode (`X-Telemetry-Timestamp`): HMAC of `<ts>.<body>`, ±300 s, never twice.
 * Failures are 403: the credentials were fine, the request itself is not acceptable (a 401
 * would make clients throw their token away for nothing).
 */
@Injectable()
export class SignatureVerifier {
  constructor(private readonly replays: ReplayGuardService) {}

  /**
   * @param once refuse a timestamped signature seen before (reports). Flag reads pass `false`:
   *   a replayed read changes nothing, and two polls within one second sign the same bytes.
   */
  async verify(request: unknown, project: ProjectEntity, raw: Buffer, once = true): Promise<void> {
    const secret = project.signing_secret;
    if (!secret) return;
    const signature = header(request, SIGNATURE_HEADER).trim().toLowerCase();
    if (!signature) throw new ReceiverHttpException(403, TelemetryMessages.signatureMissing);
    const given = /^[0-9a-f]{64}$/.test(signature)
      ? Buffer.from(signature, 'hex')
      : Buffer.alloc(0);
    const timestamp = header(request, TIMESTAMP_HEADER).trim();
    if (timestamp) {
      const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
      if (!(Math.abs(Date.now() / 1000 - seconds) <= SIGNATURE_WINDOW_SECONDS)) {
        throw new ReceiverHttpException(403, TelemetryMessages.timestampInvalid);
      }
      if (!matches(given, hmac(secret, Buffer.from(`${timestamp}.`), raw))) {
        throw new ReceiverHttpException(403, TelemetryMessages.signatureInvalid);
      }
      if (once && !(await this.replays.remember(project.id, signature))) {
        throw new ReceiverHttpException(403, TelemetryMessages.replayed);
      }
      return;
    }
    if (matches(given, hmac(secret, raw))) return;
    const reencoded = this.reencode(raw);
    if (reencoded && matches(given, hmac(secret, reencoded))) return;
    throw new ReceiverHttpException(403, TelemetryMessages.signatureInvalid);
  }

  private reencode(raw: Buffer): Buffer | undefined {
    try {
      return Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
    } catch {
      return undefined;
    }
  }
}
