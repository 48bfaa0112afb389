import { createDecipheriv } from 'node:crypto';
import { ReceiverHttpException } from '../../common/envelope/receiver-http.exception';
import { header } from '../../common/request/receiver-request';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import { ENCRYPTION_HEADER } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';

const SCHEME = 'aes-256-gcm';

/**
 * Opens an encrypted report (`X-Telemetry-Encryption: aes-256-gcm`, body
 * `{"iv","tag","ciphertext"}` in base64, no AAD — the format in the README, "Encryption (AES-256-GCM)"). Returns the
 * body unchanged when the request is not encrypted. The signature, when required, has already
 * been checked on the envelope bytes ("encrypt, then sign").
 */
export function decryptReport(request: unknown, project: ProjectEntity, raw: Buffer): Buffer {
  const scheme = header(request, ENCRYPTION_HEADER).trim().toLowerCase();
  if (!scheme) return raw;
  if (scheme !== SCHEME) {
    throw new ReceiverHttpException(400, TelemetryMessages.encryptionUnsupported(scheme));
  }
  if (!project.encryption_key) {
    throw new ReceiverHttpException(400, TelemetryMessages.encryptionNotConfigured);
  }
  try {
    const envelope = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    const field = (name: string): Buffer => {
      const value = envelope[name];
      if (typeof value !== 'string') throw new Error(`${name} missing`);
      return Buffer.from(value, 'base64');
    };
    const iv = field('iv');
    const tag = field('tag');
    if (iv.length !== 12 || tag.length !== 16) throw new Error('bad iv or tag length');
    const decipher = createDecipheriv(SCHEME, Buffer.from(project.encryption_key, 'hex'), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(field('ciphertext')), decipher.final()]);
  } catch {
    throw new ReceiverHttpException(400, TelemetryMessages.decryptFailed);
  }
}
