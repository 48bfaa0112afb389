import { hash } from 'node:crypto';

/**
 * SHA-256 hex of a UTF-8 string (visitor ids, fingerprints, IP and counter hashes). The one-shot
 * `crypto.hash` rather than `createHash().update().digest()`: it builds no Hash object, and on
 * the tracking path (two or three hashes per pageview) it costs about half as much CPU.
 */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}
