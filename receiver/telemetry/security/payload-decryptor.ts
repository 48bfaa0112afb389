import { ENCRYPTION_SCHEME, openPayload, parseEncryptionKey } from '../../../lib/protocol';
import { InvalidInputError } from '../../common/errors/receiver.errors';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryMessages } from '../telemetry.messages';

/**
 * Opens an encrypted report with the project's key, through the protocol kernel's
 * {@link openPayload}. `scheme` is the `X-Telemetry-Encryption` value; without one the body is
 * returned unchanged. The signature, when required, has already been checked on the envelope
 * bytes ("encrypt, then sign"). Failures are {@link InvalidInputError} (400).
 */
export function decryptReport(project: ProjectEntity, raw: Buffer, scheme: string): Buffer {
  const normalised = scheme.trim().toLowerCase();
  if (!normalised) return raw;
  if (normalised !== ENCRYPTION_SCHEME) {
    throw new InvalidInputError(TelemetryMessages.encryptionUnsupported(normalised));
  }
  const key = project.encryption_key ? parseEncryptionKey(project.encryption_key) : undefined;
  if (!key) throw new InvalidInputError(TelemetryMessages.encryptionNotConfigured);
  try {
    return openPayload(key, raw);
  } catch {
    throw new InvalidInputError(TelemetryMessages.decryptFailed);
  }
}
