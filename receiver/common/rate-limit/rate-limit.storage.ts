/** Result of counting one request. */
export type RateLimitOutcome = 'allowed' | 'blocked-now' | 'blocked';

/**
 * Where rate-limit counters live. Fixed-window algorithm of the Micrologs contract (1.8):
 * an active block answers `blocked` without counting; otherwise the hit is counted (the first
 * hit starts the window), and going over `limit` starts a block and resets the counter.
 */
export interface RateLimitStorage {
  hit(
    key: string,
    limit: number,
    windowSeconds: number,
    blockSeconds: number,
  ): Promise<RateLimitOutcome>;
}
