import { createHash } from 'node:crypto';

/** SHA-256 hex of a UTF-8 string (visitor ids, fingerprints and error fingerprints). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
