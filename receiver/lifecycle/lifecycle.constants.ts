/** Rows one purge statement deletes at most: short statements keep ingest and analytics moving. */
export const PURGE_BATCH_SIZE = 500;

/** Name of the purge's lease in `lifecycle_leases`. */
export const PURGE_LEASE = 'purge';

/** How long a purge lease lasts unless renewed (a crashed holder frees it after this). */
export const PURGE_LEASE_MS = 10 * 60_000;

/** Delay of a serving receiver's first purge after start (at most the interval). */
export const FIRST_PURGE_DELAY_MS = 60_000;
