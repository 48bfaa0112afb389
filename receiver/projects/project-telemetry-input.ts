import { ReceiverHttpException } from '../common/envelope/receiver-http.exception';
import type { ProjectEntity, TokenPolicy } from '../storage/entities/project.entity';
import { ProjectsMessages } from './projects.messages';

/**
 * Telemetry settings accepted by create and edit beside the Micrologs fields:
 * `token_policy` (`auto` | `approval`) and `signing_secret` (16–128 chars, or null to stop
 * requiring signatures). Absent fields are left as they are.
 */
export function telemetrySettings(
  body: Record<string, unknown>,
): Partial<Pick<ProjectEntity, 'token_policy' | 'signing_secret'>> {
  const settings: Partial<Pick<ProjectEntity, 'token_policy' | 'signing_secret'>> = {};
  if ('token_policy' in body && body.token_policy !== undefined) {
    if (body.token_policy !== 'auto' && body.token_policy !== 'approval') {
      throw new ReceiverHttpException(400, ProjectsMessages.tokenPolicyInvalid);
    }
    settings.token_policy = body.token_policy as TokenPolicy;
  }
  if ('signing_secret' in body && body.signing_secret !== undefined) {
    const secret = body.signing_secret;
    const valid =
      secret === null ||
      (typeof secret === 'string' && secret.length >= 16 && secret.length <= 128);
    if (!valid) throw new ReceiverHttpException(400, ProjectsMessages.signingSecretInvalid);
    settings.signing_secret = secret as string | null;
  }
  return settings;
}
