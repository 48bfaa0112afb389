import { isIP } from 'node:net';

/**
 * True when `url` is plain `http://` to a host that is not this machine: a token or a signature sent
 * there can be read on the way. Loopback (localhost, 127.0.0.0/8, ::1) is how tests and sidecars talk,
 * so it does not count.
 */
export function isInsecureRemoteUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return false;
  if (isIP(host) === 4 && host.startsWith('127.')) return false;
  return true;
}
