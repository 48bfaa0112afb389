/** Injection token of the {@link AnalyticsCacheStore} behind {@link AnalyticsCache}. */
export const ANALYTICS_CACHE_STORE = Symbol('ANALYTICS_CACHE_STORE');

/** Every cache key starts with this segment (contract 1.12). */
export const ANALYTICS_KEY_ROOT = 'analytics';

/** Entries the in-memory store keeps before it evicts the least recently used one. */
export const DEFAULT_MEMORY_MAX_ENTRIES = 5_000;

/** Longest a Redis command may take before the cache gives up and reads the database instead. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 250;

/** How many keys one SCAN step asks Redis for while deleting by pattern. */
export const REDIS_SCAN_COUNT = 500;

/** TTLs of contract 1.12, in seconds. */
export const ANALYTICS_TTL = {
  /** visitors, returning, sessions, pages, devices, locations, referrers, utm, audits, links, link-detail */
  standard: 300,
  /** errors, errors-trend, error-detail: error data moves faster. */
  errors: 120,
} as const;
