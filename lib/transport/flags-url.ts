import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';

/**
 * The URL flags are fetched from, with `host` in the query string. `flagsUrl` wins; otherwise
 * `/flags` is appended to the report URL's path, so the default report URL of ReceiverModule,
 * `https://x/api/telemetry`, gives its flags route `https://x/api/telemetry/flags?host=<host>`.
 */
export function resolveFlagsUrl(
  options: Pick<ResolvedTelemetryOptions, 'flagsUrl' | 'serverUrl' | 'host'>,
): string | undefined {
  const base = options.flagsUrl || options.serverUrl;
  if (!base) return undefined;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  if (!options.flagsUrl) url.pathname = `${url.pathname.replace(/\/+$/, '')}/flags`;
  if (!url.searchParams.has('host')) url.searchParams.set('host', options.host);
  return url.toString();
}
