/**
 * Where cached analytics answers live. Implementations may throw: {@link AnalyticsCache} catches
 * every failure and falls back to the database, so a store never needs its own fail-open logic.
 */
export interface AnalyticsCacheStore {
  /** The stored JSON text, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /**
   * Deletes every key matching a glob pattern where `*` stands for any run of characters
   * (the only wildcard the cache uses; other characters match literally).
   */
  deleteMatching(pattern: string): Promise<void>;
}
