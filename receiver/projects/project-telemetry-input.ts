import type { ProjectEntity, TokenPolicy } from '../storage/entities/project.entity';
import { ProjectsMessages } from './projects.messages';
import { InvalidInputError } from '../common/errors/receiver.errors';

type TelemetrySettings = Partial<
  Pick<ProjectEntity, 'token_policy' | 'signing_secret' | 'encryption_key'>
>;

/** A 32-byte AES key given as 64 hex chars or base64 (optionally `base64:`-prefixed), as hex. */
export function normaliseEncryptionKey(value: string): string | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase();
  const base64 = value.replace(/^base64:/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}

/**
 * Telemetry settings accepted by create and edit beside the Micrologs fields:
 * `token_policy` (`auto` | `approval`), `signing_secret` (16–128 chars, or null to stop
 * requiring signatures) and `encryption_key` (32 bytes as hex or base64, or null). Absent fields
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
