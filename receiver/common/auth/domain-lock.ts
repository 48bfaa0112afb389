import { boundedMemo } from '../memo/bounded-memo';
import { phpTrim } from '../input/php-input';

/** Distinct origins and allowed-domain lists remembered (both repeat on every request). */
const MEMO_SIZE = 1_000;

const stripWww = (host: string): string => (host.startsWith('www.') ? host.slice(4) : host);

/** Host of an `Origin`/`Referer`, lower-cased, without `www.`; memoised (URL parsing). */
const sourceHost = boundedMemo(MEMO_SIZE, (value) => {
  try {
    return stripWww(new URL(value).hostname.toLowerCase());
  } catch {
    return '';
  }
});

/** A project's `allowed_domains`, split and normalised once rather than on every request. */
const domainList = boundedMemo(MEMO_SIZE, (allowedDomains) =>
  allowedDomains
    .split(',')
    .map((entry) => stripWww(phpTrim(entry).toLowerCase()))
    .filter(Boolean),
);

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
  const host = sourceHost(source);
  if (host === '') return false;
  return domainList(allowedDomains).some(
    (domain) => host === domain || host.endsWith(`.${domain}`),
  );
}
