import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { TelemetryBatchPayload, TelemetryPayload } from './protocol.interfaces';
import { encodePayload } from './payload.codec';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** @internal Bodies above this many bytes are worth compressing (below, gzip's header dominates). */
export const GZIP_ABOVE_BYTES = 1_024;

/** @internal Most bytes a compressed body may expand to (a bound against decompression bombs). */
export const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * @internal The batch body's text, each round written exactly as {@link encodePayload} writes a
 * single report. A fresh `nonce` makes every request's bytes — and so its timestamped signature —
 * unique: resending the same rounds after a lost answer is a new request, while a captured request
 * played again is refused by the receiver's replay memory.
 */
export function encodeBatch(rounds: TelemetryPayload[], nonce = randomBytes(12).toString('hex')) {
  return `{"nonce":"${nonce}","rounds":[${rounds.map(encodePayload).join(',')}]}`;
}

/** @internal Whether a decoded report body is a batch (a single report never has `rounds`). */
export function isBatchBody(body: unknown): body is TelemetryBatchPayload {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { rounds?: unknown }).rounds)
  );
}

/**
 * @internal Compresses a body above {@link GZIP_ABOVE_BYTES}; returns the bytes to send and the
 * `Content-Encoding` header when it did. The signature is then computed over these bytes.
 */
export async function compressBody(
  body: Buffer,
): Promise<{ body: Buffer; headers: Record<string, string> }> {
  if (body.length <= GZIP_ABOVE_BYTES) return { body, headers: {} };
  return { body: await gzipAsync(body), headers: { 'Content-Encoding': 'gzip' } };
}

/** @internal Why {@link decompressBody} refused a body. */
export type InflateFailure = 'unsupported' | 'corrupt' | 'too-large';

/**
 * @internal Undoes `Content-Encoding` (none, `identity` or `gzip`), expanding to at most
 * {@link MAX_INFLATED_BYTES}.
 */
export async function decompressBody(
  raw: Buffer,
  encoding: string,
): Promise<{ body: Buffer } | { failure: InflateFailure }> {
  const name = encoding.trim().toLowerCase();
  if (name === '' || name === 'identity') return { body: raw };
  if (name !== 'gzip' && name !== 'x-gzip') return { failure: 'unsupported' };
  try {
    return { body: await gunzipAsync(raw, { maxOutputLength: MAX_INFLATED_BYTES }) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { failure: code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : 'corrupt' };
  }
}
