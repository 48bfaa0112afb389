/** Most rounds one batch may hold (announced to clients as `X-Telemetry-Accept-Batch`). */
export const MAX_BATCH_ROUNDS = 500;
/** Largest number of keys in one report. */
export const MAX_REPORT_KEYS = 500;
/** Largest encoded size of one reported value. */
export const MAX_VALUE_BYTES = 16_384;
/** Reports may be collected earlier (outbox backlog) but not later than this past the server clock. */
export const MAX_FUTURE_SKEW_SECONDS = 3_600;
/**
 * How long a resolved bearer token is reused. Changes made through the same process apply at
 * once; other receiver instances sharing the database see them within this time (as for the
 * project key and host caches).
 */
export const TOKEN_CACHE_TTL_MS = 5_000;
