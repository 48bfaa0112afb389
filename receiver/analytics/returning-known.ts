import type { AnalyticsAnswer } from './analytics-answer';

/**
 * Adds `returning_visitors_known: false` for a cookieless project, whose visitor ids change every
 * day, so nobody can be recognised as returning (and a visitor seen on several days of the range
 * counts once per day). Cookie-mode answers keep the contract's exact shape. Added outside the
 * cache: it follows the project's current setting. The answer is envelope text ending with the
 * close of `data` (never empty: `range` comes first) and of the envelope, so the flag goes in
 * as `data`'s last member, where spreading it into the objects put it.
 */
export function withReturningKnown(cookieless: boolean, json: AnalyticsAnswer): AnalyticsAnswer {
  if (!cookieless) return json;
  return `${json.slice(0, -2)},"returning_visitors_known":false}}`;
}
