import { parseEncryptionKey } from '../../lib/protocol';
import type { ProjectEntity, TokenPolicy } from '../storage/entities/project.entity';
import { ProjectsMessages } from './projects.messages';
import { InvalidInputError } from '../common/errors/receiver.errors';

type TelemetrySettings = Partial<
  Pick<ProjectEntity, 'token_policy' | 'signing_secret' | 'encryption_key'>
>;

/** A 32-byte AES key in any encoding the client accepts (the kernel's rule), stored as hex. */
function normaliseEncryptionKey(value: string): string | null {
  return parseEncryptionKey(value)?.toString('hex') ?? null;
}

/**
 * Telemetry settings accepted by create and edit beside the Micrologs fields:
 * `token_policy` (`auto` | `approval`), `signing_secret` (16–128 chars, or null to stop
 * requiring signatures) and `encryption_key` (32 bytes as hex, base64 or base64url, or null). Absent fields
 * are left as they are.
 */
export function telemetrySettings(body: Record<string, unknown>): TelemetrySettings {
  const settings: TelemetrySettings = {};
  if ('token_policy' in body && body.token_policy !== undefined) {
    if (body.token_policy !== 'auto' && body.token_policy !== 'approval') {
      throw new InvalidInputError(ProjectsMessages.tokenPolicyInvalid);
    }
    settings.token_policy = body.token_policy as TokenPolicy;
  }
  if ('signing_secret' in body && body.signing_secret !== undefined) {
    const secret = body.signing_secret;
    const valid =
      secret === null ||
      (typeof secret === 'string' && secret.length >= 16 && secret.length <= 128);
    if (!valid) throw new InvalidInputError(ProjectsMessages.signingSecretInvalid);
    settings.signing_secret = secret as string | null;
  }
  if ('encryption_key' in body && body.encryption_key !== undefined) {
    const key = body.encryption_key;
    const normalised = typeof key === 'string' ? normaliseEncryptionKey(key) : null;
    if (key !== null && normalised === null) {
      throw new InvalidInputError(ProjectsMessages.encryptionKeyInvalid);
    }
    settings.encryption_key = normalised;
  }
  return settings;
}
