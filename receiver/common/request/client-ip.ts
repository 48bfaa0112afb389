import { hash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { phpTrim } from '../input/php-input';
import { header, nodeRequest } from './receiver-request';

const lists = new Map<string, BlockList>();

const plain = (address: string): string =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

function trustList(trustedProxies: readonly string[]): BlockList {
  const cacheKey = trustedProxies.join(',');
  let list = lists.get(cacheKey);
  if (!list) {
    list = new BlockList();
    for (const entry of trustedProxies) {
      const [address, bits] = entry.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(bits), family);
    }
    lists.set(cacheKey, list);
  }
  return list;
}

function isTrusted(peer: string, trustedProxies: readonly string[]): boolean {
  const family = isIP(peer);
  if (!family) return false;
  return trustList(trustedProxies).check(peer, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client address of a request (contract 3.8, with CIDR support): the TCP peer, unless the
 * peer is a trusted proxy (IP or CIDR) and `X-Forwarded-For` starts with a valid address, in which
 * case that left-most entry. Frameworks' own `trust proxy` logic is deliberately not used.
 */
export function clientIp(request: unknown, trustedProxies: readonly string[]): string {
  const peer = plain(nodeRequest(request).socket?.remoteAddress ?? '');
  if (trustedProxies.length === 0 || !isTrusted(peer, trustedProxies)) return peer;
  const forwarded = header(request, 'x-forwarded-for');
  const first = phpTrim(forwarded.split(',')[0] ?? '');
  return first && isIP(first) ? plain(first) : peer;
}

/**
 * Salted SHA-256 hex of an IP: the only form in which addresses are stored (one-shot
 * `crypto.hash`, which builds no Hash object: it is on the audit and link-click paths).
 */
export function hashIp(ip: string, salt: string): string {
  return hash('sha256', ip + salt, 'hex');
}
