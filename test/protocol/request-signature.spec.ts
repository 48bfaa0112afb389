import { createHmac } from 'node:crypto';
import {
  encodePayload,
  phpSignedForm,
  signBody,
  verifySignature,
  type TelemetryPayload,
} from '../../lib/protocol';
import { PHP_SIGNING_KEY, PHP_VECTORS } from './php-reporter.vectors';

const hmacHex = (key: string, text: string | Buffer): string =>
  createHmac('sha256', key).update(text).digest('hex');

const verify = (body: string, signature: string, key = PHP_SIGNING_KEY) =>
  verifySignature(key, { body: Buffer.from(body, 'utf8'), signature });

describe('compatible mode accepts exactly what laravel-telemetry-reporter signs', () => {
  it.each(PHP_VECTORS.map((v) => [v.name, v] as const))(
    '%s: the body Guzzle sent verifies against the PHP signature',
    (_name, vector) => {
      expect(verify(vector.body, vector.signature)).toBe('valid');
    },
  );

  it.each(PHP_VECTORS.map((v) => [v.name, v] as const))(
    '%s: one changed character of the body is refused',
    (_name, vector) => {
      // Change the last digit of the body (every vector ends with a number, or a string with one).
      const at = vector.body.search(/\d(?=\D*$)/);
      const digit = vector.body[at];
      const tampered =
        vector.body.slice(0, at) + String((Number(digit) + 1) % 10) + vector.body.slice(at + 1);
      expect(tampered).not.toBe(vector.body);
      expect(verify(tampered, vector.signature)).toBe('invalid');
    },
  );

  it.each(PHP_VECTORS.map((v) => [v.name, v] as const))(
    '%s: the right body under another key is refused',
    (_name, vector) => {
      expect(verify(vector.body, vector.signature, 'another-secret-0000000')).toBe('invalid');
    },
  );

  it('needs the unescaping wherever the sender escaped something', () => {
    const rawOnly = PHP_VECTORS.filter((v) => hmacHex(PHP_SIGNING_KEY, v.body) === v.signature).map(
      (v) => v.name,
    );
    expect(rawOnly).toEqual([
      'plain ASCII',
      'numeric-string keys',
      'exponent floats',
      'U+2028 and U+2029',
    ]);
  });

  it('would have been refused by re-serialising (the bug this replaces)', () => {
    const broken = PHP_VECTORS.filter((v) => {
      const reserialised = JSON.stringify(JSON.parse(v.body));
      return hmacHex(PHP_SIGNING_KEY, reserialised) !== v.signature;
    }).map((v) => v.name);
    // Numeric keys are reordered, 2.0e-5 becomes 0.00002, U+2028 loses its escape.
    expect(broken).toEqual(
      expect.arrayContaining([
        'numeric-string keys',
        'exponent floats',
        'U+2028 and U+2029',
        'everything at once',
      ]),
    );
  });

  it('undoes only the escapes the sender added, keeping numbers and key order as sent', () => {
    const all = PHP_VECTORS.find((v) => v.name === 'everything at once')!;
    expect(phpSignedForm(all.body)).toBe(
      '{"host":"php-all","timestamp":"2025-08-03T10:15:30Z","data":{"App\\\\Metrics@statuses":' +
        '{"404":3,"200":120},"rate":2.0e-5,"url":"https://x.example/é/😀","sep":"\\u2028","n":7}}',
    );
  });

  it('does not unescape what the sender would have escaped itself, so such bodies are refused', () => {
    const separators = PHP_VECTORS.find((v) => v.name === 'U+2028 and U+2029')!;
    // A raw U+2028 where PHP writes \u2028 in what it signs: not what was signed.
    const raw = separators.body.replace('\\u2028', '\u2028');
    expect(verify(raw, separators.signature)).toBe('invalid');
    // An ASCII letter written \u0041 is kept as sent: PHP never escapes it.
    expect(phpSignedForm('{"a":"\\u0041\\u00e9"}')).toBe('{"a":"\\u0041é"}');
    // Control characters, quotes and backslashes read the same in both forms.
    expect(phpSignedForm('{"a":"\\u0001\\"\\\\\\/"}')).toBe('{"a":"\\u0001\\"\\\\/"}');
  });

  it('leaves a lone surrogate escaped (PHP cannot produce one)', () => {
    expect(phpSignedForm('["\\ud83d x","\\ude00","\\ud83d\\u0041"]')).toBe(
      '["\\ud83d x","\\ude00","\\ud83d\\u0041"]',
    );
  });
});

describe('signing by TelemetryModule', () => {
  const key = 'client-signing-key-0123';
  const payload: TelemetryPayload = {
    host: 'node-host',
    timestamp: '2025-08-03T10:15:30Z',
    data: { url: 'https://x.example/a', city: 'Zürich 😀', note: 'a\u2028b', 404: 3 },
  };

  it('compatible: lower-case hex HMAC of the exact body, which a Laravel-era receiver verifies', () => {
    const body = Buffer.from(encodePayload(payload), 'utf8');
    const headers = signBody(key, body, 'compatible');
    // The README's sample PHP verifier: hash_hmac('sha256', $request->getContent(), $key).
    expect(headers).toEqual({ 'X-Telemetry-Signature': hmacHex(key, body) });
    expect(verifySignature(key, { body, signature: headers['X-Telemetry-Signature'] })).toBe(
      'valid',
    );
  });

  it('writes the body as PHP signs it: slashes and non-ASCII raw, U+2028 escaped', () => {
    const text = encodePayload(payload);
    expect(text).toContain('"url":"https://x.example/a"');
    expect(text).toContain('"city":"Zürich 😀"');
    expect(text).toContain('"note":"a\\u2028b"');
    expect(JSON.parse(text)).toEqual(payload);
    // A PHP receiver that re-encodes json_decode($body) in the signing style gets these bytes back.
    expect(phpSignedForm(text)).toBe(text);
  });

  it('timestamped: HMAC of "<ts>.<body>", valid within 300 s and stale beyond', () => {
    const body = Buffer.from('{"a":1}');
    const headers = signBody(key, body, 'timestamped', 'X-Telemetry-Signature', 1_700_000_000);
    expect(headers['X-Telemetry-Timestamp']).toBe('1700000000');
    expect(headers['X-Telemetry-Signature']).toBe(hmacHex(key, '1700000000.{"a":1}'));
    const request = {
      body,
      signature: headers['X-Telemetry-Signature'],
      timestamp: headers['X-Telemetry-Timestamp'],
    };
    expect(verifySignature(key, request, 1_700_000_300)).toBe('valid');
    expect(verifySignature(key, request, 1_700_000_301)).toBe('stale');
    expect(verifySignature(key, { ...request, body: Buffer.from('{"a":2}') }, 1_700_000_000)).toBe(
      'invalid',
    );
    // The same signature without its timestamp does not pass as a compatible one.
    expect(verifySignature(key, { body, signature: request.signature })).toBe('invalid');
  });

  it('a missing, empty or non-hex signature is reported as such', () => {
    const body = Buffer.from('{}');
    expect(verifySignature(key, { body })).toBe('missing');
    expect(verifySignature(key, { body, signature: '  ' })).toBe('missing');
    expect(verifySignature(key, { body, signature: 'zz' })).toBe('invalid');
    expect(verifySignature(key, { body, signature: hmacHex(key, body).toUpperCase() })).toBe(
      'valid',
    );
  });
});
