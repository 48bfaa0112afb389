import { UTM_KEYS } from './enrichment.constants';
import { UtmValues } from './interfaces/enrichment.interfaces';

/**
 * Reads the UTM parameters of a pageview URL's query string (contract 3.5): standard query decoding
 * (`+` is a space), the last of repeated values wins, `utm_source[]=x` counts as `utm_source`,
 * the fragment is ignored. Values are returned untruncated; the caller applies the 255-byte limit.
 */
export function parseUtm(url: string): UtmValues {
  const values: UtmValues = {
    utm_source: '',
    utm_medium: '',
    utm_campaign: '',
    utm_content: '',
    utm_term: '',
  };
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return values;
  const hashStart = url.indexOf('#', queryStart);
  const query = url.slice(queryStart + 1, hashStart === -1 ? undefined : hashStart);
  // Most pageviews carry no campaign: no `utm_` and nothing percent-encoded means no UTM key.
  if (!query.includes('utm_') && !query.includes('%')) return values;
  for (const [rawKey, value] of new URLSearchParams(query)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    if ((UTM_KEYS as readonly string[]).includes(key)) values[key as keyof UtmValues] = value;
  }
  return values;
}
