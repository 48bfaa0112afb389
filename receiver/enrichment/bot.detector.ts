import { isbot } from 'isbot';
import { boundedMemo } from '../common/memo/bounded-memo';
import { BOT_UA_TOKENS, USER_AGENT_CACHE_SIZE } from './enrichment.constants';
import { BotCheckHeaders } from './interfaces/enrichment.interfaces';

/**
 * Whether a user agent names an automated client: a contract token, or `isbot`. Memoised:
 * `isbot`'s pattern is one of the dearest steps of a pageview, and traffic repeats user agents.
 */
const isBotUserAgent = boundedMemo(USER_AGENT_CACHE_SIZE, (userAgent) => {
  const lower = userAgent.toLowerCase();
  return BOT_UA_TOKENS.some((token) => lower.includes(token)) || isbot(userAgent);
});

/**
 * Whether a pageview request comes from an automated client (contract 3.6): no user agent, a user
 * agent containing one of the contract's tokens or recognised by `isbot`, or a request without
 * `Accept` / `Accept-Language` (real browsers always send both).
 */
export function isBotRequest(headers: BotCheckHeaders): boolean {
  const ua = headers.userAgent ?? '';
  if (ua === '' || !headers.accept || !headers.acceptLanguage) return true;
  return isBotUserAgent(ua);
}
