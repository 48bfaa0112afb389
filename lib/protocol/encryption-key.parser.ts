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
