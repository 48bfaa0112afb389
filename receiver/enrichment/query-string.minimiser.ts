/**
 * Removes every query parameter except `utm_*` from a URL (the `stripQueryStrings` option):
 * query strings carry search terms, e-mail addresses and tokens, while the campaign parameters
 * are what the UTM analytics read. The fragment is kept (hash-routed pages are pages). Text that
 * does not parse as an absolute URL is cut at its `?` the same way.
 */
export function keepUtmParameters(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const hash = url.indexOf('#', query);
  const end = hash < 0 ? url.length : hash;
  const kept = url
    .slice(query + 1, end)
    .split('&')
    .filter((pair) => /^utm_[a-z]+=/i.test(pair));
  return url.slice(0, query) + (kept.length ? `?${kept.join('&')}` : '') + url.slice(end);
}
