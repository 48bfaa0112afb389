import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { TestingModule } from '@nestjs/testing';
import { TelemetryHttpClient } from '../../lib/transport/telemetry-http.client';
import { RecordingServer } from '../support/recording-server';
import { bootTelemetry, captureWarnings, samplePayload } from './security-fixture';

const KEY = 'signing-secret-✓';
const hmacHex = (data: Buffer): string => createHmac('sha256', KEY).update(data).digest('hex');

describe('signing and encryption', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule | undefined;

  beforeAll(() => server.start());
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    server.requests.length = 0;
  });
  afterAll(() => server.stop());

  const report = async (options: Parameters<typeof bootTelemetry>[0]) => {
    ({ moduleRef } = await bootTelemetry({ serverUrl: `${server.url}/api/telemetry`, ...options }));
    const result = await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    expect(result.ok).toBe(true);
    return server.on('/api/telemetry')[0];
  };

  it('compatible mode: the signature is the hex HMAC of the raw bytes received, with /, accents and emoji sent unescaped', async () => {
    const request = await report({ signing: { enabled: true, key: KEY } });
    const raw = request.raw;
    expect(raw.toString('utf8')).toContain('"/var/lib/app/uploads"');
    expect(raw.toString('utf8')).toContain('Zürich — São Paulo — Kraków');
    expect(raw.toString('utf8')).toContain('🚀 ok 🎉');
    expect(request.headers['x-telemetry-signature']).toBe(hmacHex(raw));
    expect(request.headers['x-telemetry-timestamp']).toBeUndefined();
  });

  it('compatible mode matches the Laravel definition: HMAC of the unescaped JSON encoding of the payload', async () => {
    const request = await report({ signing: { enabled: true, key: KEY } });
    const laravelStyle = Buffer.from(JSON.stringify(samplePayload), 'utf8');
    expect(request.headers['x-telemetry-signature']).toBe(hmacHex(laravelStyle));
  });

  it('uses the configured signature header name', async () => {
    const request = await report({
      signing: { enabled: true, key: KEY, header: 'X-Hub-Signature' },
    });
    expect(request.headers['x-hub-signature']).toBe(hmacHex(request.raw));
    expect(request.headers['x-telemetry-signature']).toBeUndefined();
  });

  it('timestamped mode: X-Telemetry-Timestamp is the current unix time and the signature covers "<ts>.<body>"', async () => {
    const before = Math.floor(Date.now() / 1000);
    const request = await report({ signing: { enabled: true, key: KEY, mode: 'timestamped' } });
    const after = Math.floor(Date.now() / 1000);
    const timestamp = String(request.headers['x-telemetry-timestamp']);
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(after);
    const signed = Buffer.concat([Buffer.from(`${timestamp}.`), request.raw]);
    expect(request.headers['x-telemetry-signature']).toBe(hmacHex(signed));
    expect(request.headers['x-telemetry-signature']).not.toBe(hmacHex(request.raw));
  });

  it('signing enabled without a key: one warning at start, requests go out unsigned', async () => {
    const warnings = captureWarnings();
    let request;
    try {
      request = await report({ signing: { enabled: true } });
    } finally {
      warnings.restore();
    }
    expect(request.headers['x-telemetry-signature']).toBeUndefined();
    expect(
      warnings.messages.filter((m) => m.includes('Signing enabled but key/header missing')),
    ).toHaveLength(1);
  });

  it('encryption: the body is the documented AES-256-GCM envelope and decrypts to the payload', async () => {
    const key = randomBytes(32);
    const request = await report({ encryptionKey: key.toString('base64') });
    expect(request.headers['x-telemetry-encryption']).toBe('aes-256-gcm');
    expect(request.headers['content-type']).toBe('application/json');
    const envelope = JSON.parse(request.raw.toString('utf8'));
    expect(Object.keys(envelope).sort()).toEqual(['ciphertext', 'iv', 'tag']);
    expect(Buffer.from(envelope.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    expect(request.raw.toString('utf8')).not.toContain('countUsers');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
    expect(JSON.parse(plain.toString('utf8'))).toEqual(samplePayload);
  });

  it('encryption accepts a 64-character hex key and signs the envelope bytes (encrypt, then sign)', async () => {
    const key = randomBytes(32);
    const request = await report({
      encryptionKey: key.toString('hex'),
      signing: { enabled: true, key: KEY },
    });
    expect(request.headers['x-telemetry-signature']).toBe(hmacHex(request.raw));
    const envelope = JSON.parse(request.raw.toString('utf8'));
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(envelope.ciphertext, 'base64')),
      decipher.final(),
    ]);
    expect(JSON.parse(plain.toString('utf8')).data.mood).toBe('🚀 ok 🎉');
  });

  it('every request gets a fresh nonce', async () => {
    const key = randomBytes(32).toString('base64');
    ({ moduleRef } = await bootTelemetry({
      serverUrl: `${server.url}/api/telemetry`,
      encryptionKey: key,
    }));
    const client = moduleRef.get(TelemetryHttpClient);
    await client.postReport(samplePayload);
    await client.postReport(samplePayload);
    const [a, b] = server.on('/api/telemetry').map((r) => JSON.parse(r.raw.toString('utf8')).iv);
    expect(a).not.toBe(b);
  });

  it('refuses to start with an encryption key that is not 32 bytes, naming the variable', async () => {
    await expect(
      bootTelemetry({ serverUrl: `${server.url}/api/telemetry`, encryptionKey: 'too-short' }),
    ).rejects.toThrow(/TELEMETRY_ENCRYPTION_KEY must be 32 bytes/);
  });
});
