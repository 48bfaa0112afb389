import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';

/**
 * The short URL handed out for a code: `appUrl` + `/<prefix>/redirect.php?c=<code>` (contract
 * 1.1; with the default prefix exactly `APP_URL/api/redirect.php?c=…`). Without `appUrl` it is
 * relative, as in the original.
 */
export function shortUrl(
  options: Pick<ResolvedReceiverOptions, 'appUrl' | 'routePrefix'>,
  code: string,
): string {
  const prefix = options.routePrefix ? `/${options.routePrefix}` : '';
  return `${options.appUrl}${prefix}/redirect.php?c=${encodeURIComponent(code)}`;
}
