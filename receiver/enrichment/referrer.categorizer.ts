import type { ReferrerCategory } from '../storage/entities';
import { boundedMemo } from '../common/memo/bounded-memo';
import { REFERRER_MEMO_SIZE, REFERRER_RULES } from './enrichment.constants';

/**
 * Host of a URL-like string, lower-cased, with one leading `www.` removed; `""` when it has none.
 * Shared with the domain lock, which compares hosts the same way.
 */
export function hostOf(value: string): string {
  let host: string;
  try {
    host = new URL(value).hostname;
  } catch {
    return '';
  }
  host = host.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** Categories by referrer, memoised: parsing the URL is most of the cost, and referrers repeat. */
const categoryOf = boundedMemo(REFERRER_MEMO_SIZE, (referrer): ReferrerCategory => {
  const host = hostOf(referrer);
  if (host === '') return 'referral';
  for (const [category, tokens] of REFERRER_RULES) {
    if (tokens.some((token) => host.includes(token))) return category;
  }
  return 'referral';
});

/**
 * Categorises a referrer exactly as the original engine (contract 3.4): substring rules on the host,
 * search before social before email, so `mail.google.com` counts as search and `netflix.com` as social.
 */
export function categoriseReferrer(referrer: string): ReferrerCategory {
  return referrer === '' ? 'direct' : categoryOf(referrer);
}
