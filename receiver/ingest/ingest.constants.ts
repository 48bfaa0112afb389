/** Injection token of the active {@link IngestQueue} implementation. */
export const INGEST_QUEUE = Symbol('INGEST_QUEUE');

/** Injection token of the {@link InlineIngestOptions} in effect. */
export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

export const DEFAULT_FLUSH_INTERVAL_MS = 4;
export const DEFAULT_MAX_BATCH_SIZE = 500;
export const DEFAULT_MAX_PENDING = 20_000;
