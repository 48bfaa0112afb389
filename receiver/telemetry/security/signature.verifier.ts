import { Injectable } from '@nestjs/common';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../../lib/protocol';
import { ReceiverHttpException } from '../../common/envelope/receiver-http.exception';
import { header } from '../../common/request/receiver-request';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryMessages } from '../telemetry.messages';
import { ReplayGuardService } from './replay-guard.service';

const REFUSALS = {
  missing: TelemetryMessages.signatureMissing,
  invalid: TelemetryMessages.signatureInvalid,
  stale: TelemetryMessages.timestampInvalid,
} as const;

/**
 * Enforces the project's signing secret (a project without one accepts unsigned requests). The
 * rule — which bytes are signed in each mode, including what the PHP sender signs — is the
 * protocol kernel's {@link verifySignature}; this adds the HTTP answers and the replay memory.
 * Failures are 403: the credentials were fine, the request itself is not acceptable (a 401 would
 * make clients throw their token away for nothing).
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
    const signature = header(request, SIGNATURE_HEADER);
    const timestamp = header(request, TIMESTAMP_HEADER);
    const verdict = verifySignature(secret, { body: raw, signature, timestamp });
    if (verdict !== 'valid') throw new ReceiverHttpException(403, REFUSALS[verdict]);
    const replayable = timestamp.trim() !== '';
    if (
      once &&
      replayable &&
      !(await this.replays.remember(project.id, signature.trim().toLowerCase()))
    ) {
      throw new ReceiverHttpException(403, TelemetryMessages.replayed);
    }
  }
}
