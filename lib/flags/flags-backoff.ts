/** Longest wait between two attempts while the flags endpoint keeps failing. */
const MAX_RETRY_SECONDS = 3_600;

/**
 * Seconds before the next attempt after `failures` consecutive failures: the poll interval doubled
 * per failure, capped at an hour (or the interval itself when longer), with ±20 % jitter so a fleet
 * of installations does not hit a recovering server in step; never sooner than `Retry-After`.
 */
export function flagsRetryDelaySeconds(
  interval: number,
  failures: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const cap = Math.max(interval, MAX_RETRY_SECONDS);
  const base = Math.min(cap, interval * 2 ** Math.min(failures, 20));
  const jittered = base * (0.8 + 0.4 * random());
  return Math.max(jittered, retryAfterSeconds ?? 0);
}
