import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ENCRYPTION_SCHEME } from './protocol.constants';
import type { EncryptedEnvelope } from './protocol.interfaces';

const IV_BYTES = 12;
const TAG_BYTES = 16;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// Both base64 alphabets (standard and URL-safe), padded or not.
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * @internal
 * Reads an AES-256 key — 32 bytes written as 64 hex characters, or as base64 or base64url,
 * padded or not, optionally with Laravel's `base64:` prefix — or returns `undefined`. Both halves
 * parse keys here, so a key one accepts the other accepts too.
 */
export function parseEncryptionKey(raw: string): Buffer | undefined {
  const text = raw.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  const base64 = text.startsWith('base64:') ? text.slice('base64:'.length) : text;
  if (!BASE64_KEY.test(base64)) return undefined;
  const key = Buffer.from(base64, 'base64');
  return key.length === 32 ? key : undefined;
}

/** @internal An envelope that cannot be opened: malformed, tampered with, or sealed under another key. */
export class SealedPayloadError extends Error {}

/**
 * @internal
 * Seals a payload with AES-256-GCM under `key` (32 bytes): a fresh random nonce per call, no
 * associated data, the result being the UTF-8 JSON of an {@link EncryptedEnvelope}.
 */
export function sealPayload(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ENCRYPTION_SCHEME, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  const envelope: EncryptedEnvelope = {
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

/**
 * @internal
 * Opens what {@link sealPayload} sealed. Throws {@link SealedPayloadError} when the envelope is
 * not one, or when GCM's tag refuses it (wrong key, altered bytes).
 */
export function openPayload(key: Buffer, envelope: Buffer): Buffer {
  try {
    const fields = JSON.parse(envelope.toString('utf8')) as Record<string, unknown>;
    const field = (name: keyof EncryptedEnvelope): Buffer => {
      const value = fields[name];
      if (typeof value !== 'string') throw new Error(`${name} missing`);
      return Buffer.from(value, 'base64');
    };
    const iv = field('iv');
    const tag = field('tag');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad iv or tag length');
    const decipher = createDecipheriv(ENCRYPTION_SCHEME, key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(field('ciphertext')), decipher.final()]);
  } catch (error) {
    throw new SealedPayloadError(error instanceof Error ? error.message : String(error));
  }
}
