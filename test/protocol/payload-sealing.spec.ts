import { randomBytes } from 'node:crypto';
import {
  openPayload,
  parseEncryptionKey,
  sealPayload,
  SealedPayloadError,
} from '../../lib/protocol';

describe('encryption keys: one parser for both halves', () => {
  const key = randomBytes(32);
  const base64 = key.toString('base64');
  const base64url = key.toString('base64url');

  it.each([
    ['hex', key.toString('hex')],
    ['upper-case hex', key.toString('hex').toUpperCase()],
    ['base64', base64],
    ['base64 with the Laravel prefix', `base64:${base64}`],
    ['base64 without padding', base64.replace(/=+$/, '')],
    ['base64url (unpadded)', base64url],
    ['base64url with the prefix', `base64:${base64url}`],
    ['surrounded by whitespace', `  ${base64}\n`],
  ])('reads %s', (_label, text) => {
    expect(parseEncryptionKey(text)?.equals(key)).toBe(true);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(48).toString('base64')],
    ['63 hex characters', key.toString('hex').slice(1)],
    ['not an encoding', 'correct horse battery staple'],
    ['empty', ''],
  ])('refuses %s', (_label, text) => {
    expect(parseEncryptionKey(text)).toBeUndefined();
  });
});

describe('sealing and opening payloads (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const plain = Buffer.from('{"host":"h","timestamp":"2025-08-03T10:15:30Z","data":{"a":"é"}}');

  it('opens what it sealed, with a fresh nonce each time', () => {
    const first = sealPayload(key, plain);
    const second = sealPayload(key, plain);
    expect(openPayload(key, first).equals(plain)).toBe(true);
    expect(JSON.parse(first.toString()).iv).not.toBe(JSON.parse(second.toString()).iv);
    expect(Object.keys(JSON.parse(first.toString()))).toEqual(['iv', 'tag', 'ciphertext']);
  });

  it('refuses another key, an altered ciphertext and a malformed envelope', () => {
    const sealed = sealPayload(key, plain);
    expect(() => openPayload(randomBytes(32), sealed)).toThrow(SealedPayloadError);
    const envelope = JSON.parse(sealed.toString());
    const bytes = Buffer.from(envelope.ciphertext, 'base64');
    bytes[0] ^= 1;
    const altered = Buffer.from(
      JSON.stringify({ ...envelope, ciphertext: bytes.toString('base64') }),
    );
    expect(() => openPayload(key, altered)).toThrow(SealedPayloadError);
    expect(() => openPayload(key, Buffer.from('{"iv":"AAAA"}'))).toThrow(SealedPayloadError);
    expect(() => openPayload(key, Buffer.from('not json'))).toThrow(SealedPayloadError);
  });
});
