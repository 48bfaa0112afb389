import { isbot } from 'isbot';
import { BOT_UA_TOKENS } from './enrichment.constants';
import { BotCheckHeaders } from './interfaces/enrichment.interfaces';

/**
 * Whether a pageview request comes from an automated client (contract 3.6): no user agent, a user
 * agent containing one of the contract's tokens or recognised by `isbot`, or a request without
 * `Accept` / `Accept-Language` (real browsers always send both).
 */
export function isBotRequest(headers: BotCheckHeaders): boolean {
  const ua = headers.userAgent ?? '';
  if (ua === '' || !headers.accept || !headers.acceptLanguage) return true;
  const lower = ua.toLowerCase();
  return BOT_UA_TOKENS.some((token) => lower.includes(token)) || isbot(ua);
}
