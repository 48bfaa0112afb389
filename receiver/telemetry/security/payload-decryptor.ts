import {
  ENCRYPTION_HEADER,
  ENCRYPTION_SCHEME,
  openPayload,
  parseEncryptionKey,
} from '../../../lib/protocol';
import { ReceiverHttpException } from '../../common/envelope/receiver-http.exception';
import { header } from '../../common/request/receiver-request';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { TelemetryMessages } from '../telemetry.messages';

/**
 * Opens an encrypted report (`X-Telemetry-Encryption: aes-256-gcm`) with the project's key, through
 * the protocol kernel's {@link openPayload}. Returns the body unchanged when the request is not
 * encrypted. The signature, when required, has already been checked on the envelope bytes
 * ("encrypt, then sign").
 */
export function decryptReport(request: unknown, project: ProjectEntity, raw: Buffer): Buffer {
  const scheme = header(request, ENCRYPTION_HEADER).trim().toLowerCase();
  if (!scheme) return raw;
  if (scheme !== ENCRYPTION_SCHEME) {
    throw new ReceiverHttpException(400, TelemetryMessages.encryptionUnsupported(scheme));
  }
  const key = project.encryption_key ? parseEncryptionKey(project.encryption_key) : undefined;
  if (!key) throw new ReceiverHttpException(400, TelemetryMessages.encryptionNotConfigured);
  try {
    return openPayload(key, raw);
  } catch {
    throw new ReceiverHttpException(400, TelemetryMessages.decryptFailed);
  }
}
