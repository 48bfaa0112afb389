import { Injectable } from '@nestjs/common';
import { type SignedRequest, verifySignature } from '../../../lib/protocol';
import { RefusedError } from '../../common/errors/receiver.errors';
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
 * protocol kernel's {@link verifySignature}; this adds the replay memory. Failures are
 * {@link RefusedError} (403): the credentials were fine, the request itself is not acceptable (a
 * 401 would make clients throw their token away for nothing).
 */
@Injectable()
export class SignatureVerifier {
  constructor(private readonly replays: ReplayGuardService) {}

  /**
   * @param request the body bytes as sent and the values of `X-Telemetry-Signature` and
   *   `X-Telemetry-Timestamp` (absent or empty when not sent).
   * @param once refuse a timestamped signature seen before (reports). Flag reads pass `false`:
   *   a replayed read changes nothing, and two polls within one second sign the same bytes.
   */
  async verify(project: ProjectEntity, request: SignedRequest, once = true): Promise<void> {
    const secret = project.signing_secret;
    if (!secret) return;
    const verdict = verifySignature(secret, request);
    if (verdict !== 'valid') throw new RefusedError(REFUSALS[verdict]);
    const signature = (request.signature ?? '').trim().toLowerCase();
    const replayable = (request.timestamp ?? '').trim() !== '';
    if (once && replayable && !(await this.replays.remember(project.id, signature))) {
      throw new RefusedError(TelemetryMessages.replayed);
    }
  }
}
