import { DELIVERY_MAX_AGE_MS, DELIVERY_MAX_BACKOFF_MS } from '../alerts.constants';

/**
 * When a failed delivery is tried again: exponential backoff from `baseMs` (`base`, `2·base`,
 * `4·base`…, at most an hour) with jitter (a random 50–100 % of it), so endpoints that come back
 * are not hit by every waiting delivery in the same second. `undefined` once the next attempt
 * would fall past 24 hours after the delivery was created: it has failed for good. Rounded up to
 * a whole second: MariaDB's DATETIME drops the fraction when it stores the time, which would make
 * the attempt due up to a second early.
 */
export function nextAttemptAt(
  attempts: number,
  createdAt: Date,
  now: number,
  baseMs: number,
  random: () => number = Math.random,
): Date | undefined {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), DELIVERY_MAX_BACKOFF_MS);
  const next = Math.ceil((now + exponential * (0.5 + random() / 2)) / 1000) * 1000;
  return next <= createdAt.getTime() + DELIVERY_MAX_AGE_MS ? new Date(next) : undefined;
}
