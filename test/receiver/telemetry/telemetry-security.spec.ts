import { PHP_SIGNING_KEY, PHP_VECTORS } from '../../protocol/php-reporter.vectors';
import { describeReceiver, useReceiverApp } from '../../support/receiver-app';
import {
  createProject,
  encrypt,
  report,
  secretHeaders,
  sign,
  storedCounts,
  type TestProject,
} from './telemetry-fixtures';

const SIGNING = 'signing-secret-0123456789';
const AES_KEY = 'a1'.repeat(32);

describeReceiver('telemetry signatures and encryption', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let signed: TestProject;
  let encrypted: TestProject;

  beforeAll(async () => {
    signed = await createProject(receiver, { signing_secret: SIGNING });
    encrypted = await createProject(receiver, { signing_secret: SIGNING, encryption_key: AES_KEY });
  });

  const send = (project: TestProject, raw: string, headers: Record<string, string> = {}) =>
    receiver.http.request('POST', '/api/telemetry', {
      raw,
      headers: secretHeaders(project, { 'Content-Type': 'application/json', ...headers }),
    });

  it('accepts the HMAC-SHA256 hex of the raw body (compatible mode)', async () => {
    const body = JSON.stringify(report('signed-1', { cpu: 0.5 }));
    const res = await send(signed, body, { 'X-Telemetry-Signature': sign(SIGNING, body) });
    expect(res.status).toBe(200);
  });

  it('accepts a Laravel body whose slashes and accents are escaped, signed unescaped', async () => {
    const plain = JSON.stringify(report('laravel-1', { url: 'https://shop.example/é' }));
    const escaped = plain.replace(/\//g, '\\/').replace('é', '\\u00e9');
    const res = await send(signed, escaped, { 'X-Telemetry-Signature': sign(SIGNING, plain) });
    expect(res.status).toBe(200);
    const detail = await receiver.http.get('/api/telemetry/hosts/laravel-1', secretHeaders(signed));
    expect(detail.body.data.values.url.value).toBe('https://shop.example/é');
  });

  describe('reports signed by the PHP laravel-telemetry-reporter', () => {
    let php: TestProject;
    beforeAll(async () => {
      php = await createProject(receiver, { signing_secret: PHP_SIGNING_KEY });
    });

    it.each(PHP_VECTORS.map((v) => [v.name, v] as const))(
      '%s: accepted, values stored as sent',
      async (_name, vector) => {
        const res = await send(php, vector.body, { 'X-Telemetry-Signature': vector.signature });
        expect(res.status).toBe(200);
        const sent = JSON.parse(vector.body) as { host: string; data: Record<string, unknown> };
        const detail = await receiver.http.get(
          `/api/telemetry/hosts/${sent.host}`,
          secretHeaders(php),
        );
        const stored = detail.body.data.values as Record<string, { value: unknown }>;
        for (const [key, value] of Object.entries(sent.data)) {
          expect(stored[key].value).toEqual(value);
        }
      },
    );

    it('a PHP-signed body altered on the way is refused and stores nothing', async () => {
      const vector = PHP_VECTORS.find((v) => v.name === 'numeric-string keys')!;
      const before = await storedCounts(receiver, php);
      const altered = vector.body.replace('"404":3', '"404":4');
      const res = await send(php, altered, { 'X-Telemetry-Signature': vector.signature });
      expect(res.status).toBe(403);
      expect(await storedCounts(receiver, php)).toEqual(before);
    });
  });

  it('accepts a timestamped signature once and refuses its replay', async () => {
    const body = JSON.stringify(report('signed-2', { cpu: 0.7 }));
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      'X-Telemetry-Timestamp': ts,
      'X-Telemetry-Signature': sign(SIGNING, `${ts}.${body}`),
    };
    expect((await send(signed, body, headers)).status).toBe(200);
    const replay = await send(signed, body, headers);
    expect(replay.status).toBe(403);
    expect(replay.body).toEqual({
      success: false,
      message: 'Replayed request: this signature was already accepted',
    });
  });

  describe('refusals store nothing', () => {
    const body = JSON.stringify(report('intruder', { cpu: 1 }));
    const stale = String(Math.floor(Date.now() / 1000) - 301);

    it.each([
      ['no signature', {}, 'Missing X-Telemetry-Signature'],
      [
        'a wrong signature',
        { 'X-Telemetry-Signature': sign('other-secret-000000', body) },
        'Invalid',
      ],
      ['a signature that is not hex', { 'X-Telemetry-Signature': 'zz' }, 'Invalid'],
      [
        'a stale timestamp',
        {
          'X-Telemetry-Timestamp': stale,
          'X-Telemetry-Signature': sign(SIGNING, `${stale}.${body}`),
        },
        'within 300 s',
      ],
      [
        'a timestamp that is not a number',
        { 'X-Telemetry-Timestamp': 'now', 'X-Telemetry-Signature': sign(SIGNING, body) },
        'within 300 s',
      ],
      [
        'a timestamped signature over the body alone',
        {
          'X-Telemetry-Timestamp': String(Math.floor(Date.now() / 1000)),
          'X-Telemetry-Signature': sign(SIGNING, body),
        },
        'Invalid',
      ],
    ])('%s → 403', async (_label, headers, message) => {
      const before = await storedCounts(receiver, signed);
      const res = await send(signed, body, headers as Record<string, string>);
      expect(res.status).toBe(403);
      expect(res.body.message).toContain(message);
      expect(await storedCounts(receiver, signed)).toEqual(before);
    });
  });

  it('decrypts an AES-256-GCM report after checking the signature of the envelope', async () => {
    const envelope = encrypt(AES_KEY, JSON.stringify(report('secret-host', { revenue: 1234 })));
    const res = await send(encrypted, envelope, {
      'X-Telemetry-Encryption': 'aes-256-gcm',
      'X-Telemetry-Signature': sign(SIGNING, envelope),
    });
    expect(res.status).toBe(200);
    const detail = await receiver.http.get(
      '/api/telemetry/hosts/secret-host',
      secretHeaders(encrypted),
    );
    expect(detail.body.data.values.revenue.value).toBe(1234);
  });

  it('refuses a tampered or wrongly keyed envelope, or one the project cannot open', async () => {
    const before = await storedCounts(receiver, encrypted);
    const wrongKey = encrypt('b2'.repeat(32), JSON.stringify(report('x', { a: 1 })));
    const res = await send(encrypted, wrongKey, {
      'X-Telemetry-Encryption': 'aes-256-gcm',
      'X-Telemetry-Signature': sign(SIGNING, wrongKey),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'Could not decrypt the payload (wrong key or corrupted envelope)',
    );
    const scheme = await send(encrypted, wrongKey, {
      'X-Telemetry-Encryption': 'rot13',
      'X-Telemetry-Signature': sign(SIGNING, wrongKey),
    });
    expect(scheme.status).toBe(400);
    const noKey = await send(signed, wrongKey, {
      'X-Telemetry-Encryption': 'aes-256-gcm',
      'X-Telemetry-Signature': sign(SIGNING, wrongKey),
    });
    expect(noKey.status).toBe(400);
    expect(await storedCounts(receiver, encrypted)).toEqual(before);
  });
});

describeReceiver('signed flag reads', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });

  it('checks the signature of a flags GET over its empty body, and allows a repeated read', async () => {
    const project = await createProject(receiver, { signing_secret: SIGNING });
    const path = '/api/telemetry/flags?host=reader';
    expect((await receiver.http.get(path, secretHeaders(project))).status).toBe(403);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = secretHeaders(project, {
      'X-Telemetry-Timestamp': ts,
      'X-Telemetry-Signature': sign(SIGNING, `${ts}.`),
    });
    expect((await receiver.http.get(path, headers)).status).toBe(200);
    expect((await receiver.http.get(path, headers)).status).toBe(200);
    const plain = secretHeaders(project, { 'X-Telemetry-Signature': sign(SIGNING, '') });
    expect((await receiver.http.get(path, plain)).body).toEqual({ feature_flags: {} });
  });
});
