import { phpTrim } from '../input/php-input';

const stripWww = (host: string): string => (host.startsWith('www.') ? host.slice(4) : host);

function hostOf(value: string): string {
  try {
    return new URL(value).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Domain lock of public keys (contract 3.7). The source is `Origin`, or `Referer` when `Origin`
 * is absent; an empty source is allowed (server-side callers). The host matches a domain when
 * equal to it or a subdomain of it, `www.` ignored on both sides.
 */
export function isDomainAllowed(
  origin: string | undefined,
  referer: string | undefined,
  allowedDomains: string,
): boolean {
  const source = origin !== undefined ? origin : (referer ?? '');
  if (source === '') return true;
  const host = stripWww(hostOf(source));
  if (host === '') return false;
  return allowedDomains
    .split(',')
    .map((entry) => stripWww(phpTrim(entry).toLowerCase()))
    .filter(Boolean)
    .some((domain) => host === domain || host.endsWith(`.${domain}`));
}
