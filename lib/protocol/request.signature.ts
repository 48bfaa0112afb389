import { createHmac, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_HEADER, SIGNATURE_WINDOW_SECONDS, TIMESTAMP_HEADER } from './protocol.constants';
import type { SigningMode } from './protocol.interfaces';
import { phpSignedForm } from './php-json.unescape';

const unixNow = (): number => Math.floor(Date.now() / 1000);

const hmac = (key: string, ...parts: Buffer[]): Buffer => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

const sameBytes = (given: Buffer, expected: Buffer): boolean =>
  given.length === expected.length && timingSafeEqual(given, expected);

/**
 * @internal
 * Signs exactly the bytes that go on the wire (after encryption, if any), as lower-case hex
 * HMAC-SHA256:
 * - `compatible`: over the body — what laravel-telemetry-reporter sends and what a Laravel-era
 *   receiver verifies (its sample verifier hashes the raw body);
 * - `timestamped`: over `<unix seconds>.<body>`, the time in `X-Telemetry-Timestamp`, so a
 *   receiver can refuse stale or replayed requests.
 *
 * @returns the headers to add: the signature under `header`, plus the timestamp when timestamped.
 */
export function signBody(
  key: string,
  body: Buffer,
  mode: SigningMode,
  header: string = SIGNATURE_HEADER,
  nowSeconds: number = unixNow(),
): Record<string, string> {
  if (mode === 'timestamped') {
    const timestamp = String(nowSeconds);
    const signature = hmac(key, Buffer.from(`${timestamp}.`, 'utf8'), body).toString('hex');
    return { [TIMESTAMP_HEADER]: timestamp, [header]: signature };
  }
  return { [header]: hmac(key, body).toString('hex') };
}

/** @internal What a receiver learned from a request's signature headers. */
export type SignatureVerdict = 'valid' | 'missing' | 'invalid' | 'stale';

/** @internal The parts of a request a signature covers. */
export interface SignedRequest {
  /** The raw body bytes as received (the envelope, when encrypted). */
  body: Buffer;
  /** The signature header's value. */
  signature?: string;
  /** `X-Telemetry-Timestamp`; its presence selects the timestamped mode. */
  timestamp?: string;
}

/**
 * @internal
 * Checks a signature the way {@link signBody} and laravel-telemetry-reporter make them, in
 * constant time. With a timestamp: HMAC of `<ts>.<body>`, the time within
 * {@link SIGNATURE_WINDOW_SECONDS} of `nowSeconds` (refusing a replay inside the window is the
 * caller's job: it needs storage). Without: HMAC of the raw body, else of the text the PHP sender
 * signed before its HTTP client escaped it ({@link phpSignedForm}).
 */
export function verifySignature(
  secret: string,
  request: SignedRequest,
  nowSeconds: number = unixNow(),
): SignatureVerdict {
  const signature = (request.signature ?? '').trim().toLowerCase();
  if (!signature) return 'missing';
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  const timestamp = (request.timestamp ?? '').trim();
  if (timestamp) {
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(nowSeconds - seconds) <= SIGNATURE_WINDOW_SECONDS)) return 'stale';
    const expected = hmac(secret, Buffer.from(`${timestamp}.`, 'utf8'), request.body);
    return sameBytes(given, expected) ? 'valid' : 'invalid';
  }
  if (sameBytes(given, hmac(secret, request.body))) return 'valid';
  const text = request.body.toString('utf8');
  const signedForm = phpSignedForm(text);
  if (signedForm !== text && sameBytes(given, hmac(secret, Buffer.from(signedForm, 'utf8')))) {
    return 'valid';
  }
  return 'invalid';
}
