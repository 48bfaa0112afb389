/** Injection token of the active {@link IngestQueue} implementation. */
export const INGEST_QUEUE = Symbol('INGEST_QUEUE');

/** Injection token of the {@link InlineIngestOptions} in effect. */
export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

/** No wait: a batch starts as soon as the writer is free (leader/follower group commit). */
export const DEFAULT_FLUSH_INTERVAL_MS = 0;
export const DEFAULT_MAX_BATCH_SIZE = 500;
export const DEFAULT_MAX_PENDING = 20_000;
