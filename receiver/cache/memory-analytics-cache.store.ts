import { LRUCache } from 'lru-cache';
import { globToRegExp } from './glob-pattern.util';
import type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';

/** Clock the LRU reads expiry from; tests pass a controllable one. */
export interface CacheClock {
  now(): number;
}

/**
 * Default store: a bounded LRU in process memory. Right for one receiver instance; with several
 * instances each keeps its own copy and invalidations only reach the local one (use Redis then).
 */
export class MemoryAnalyticsCacheStore implements AnalyticsCacheStore {
  private readonly entries: LRUCache<string, string>;

  constructor(maxEntries: number, clock?: CacheClock) {
    this.entries = new LRUCache<string, string>({
      max: maxEntries,
      // Per-entry TTLs are given on set(); this default only enables TTL tracking.
      ttl: 60_000,
      // 0 = read the clock on every check; the default caches it behind a timer that keeps
      // the process alive.
      ttlResolution: 0,
      ...(clock ? { perf: clock } : {}),
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async deleteMatching(pattern: string): Promise<void> {
    const matcher = globToRegExp(pattern);
    // Collect first: deleting while iterating an LRU's keys would skip entries.
    const doomed = [...this.entries.keys()].filter((key) => matcher.test(key));
    for (const key of doomed) this.entries.delete(key);
  }

  /** Number of live entries (used by tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }
}
