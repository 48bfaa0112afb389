import { createHash } from 'node:crypto';
import { DEFAULT_IP_HASH_SALT } from './enrichment.constants';

/** SHA-256 hex of `ip + salt` (contract 3.8); raw addresses are never stored, only this hash. */
export function hashIp(ip: string, salt: string | undefined): string {
  return sha256Hex(ip + (salt || DEFAULT_IP_HASH_SALT));
}

/** SHA-256 hex of a UTF-8 string (visitor ids, fingerprints and error fingerprints use it too). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
