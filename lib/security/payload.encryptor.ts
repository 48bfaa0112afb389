import { createCipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_HEADER, ENCRYPTION_SCHEME } from './security.constants';
import { SecurityMessages } from './security.messages';

/** The JSON document sent instead of the plain payload when encryption is on (README: "Encryption (AES-256-GCM)"). */
export interface EncryptedEnvelope {
  /** base64 of the 12-byte random nonce, new for every request. */
  iv: string;
  /** base64 of the 16-byte GCM authentication tag. */
  tag: string;
  /** base64 of the AES-256-GCM ciphertext of the UTF-8 JSON payload. */
  ciphertext: string;
}

/**
 * Parses `TELEMETRY_ENCRYPTION_KEY`: 32 bytes as 64 hex characters, or as base64 (with or without
 * Laravel's `base64:` prefix). Anything else is refused: sending with a guessed key would make every
 * report undecryptable, and sending in clear would defeat the option.
 */
export function parseEncryptionKey(raw: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const b64 = text.startsWith('base64:') ? text.slice('base64:'.length) : text;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) {
    const key = Buffer.from(b64, 'base64');
    if (key.length === 32) return key;
  }
  throw new Error(SecurityMessages.invalidEncryptionKey());
}

/** Encrypts report bodies with AES-256-GCM under a key shared with the receiver. */
export class PayloadEncryptor {
  private readonly key: Buffer;

  constructor(rawKey: string) {
    this.key = parseEncryptionKey(rawKey);
  }

  /** Returns the envelope's bytes and the header that tells the receiver how to open it. */
  encrypt(plain: Buffer): { body: Buffer; headers: Record<string, string> } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    const envelope: EncryptedEnvelope = {
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    return {
      body: Buffer.from(JSON.stringify(envelope), 'utf8'),
      headers: { [ENCRYPTION_HEADER]: ENCRYPTION_SCHEME },
    };
  }
}
