/** Injection token of the active {@link IngestQueue} implementation. */
export const INGEST_QUEUE = Symbol('INGEST_QUEUE');

/** Injection token of the {@link InlineIngestOptions} in effect. */
export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');

/** No wait: a batch starts as soon as the writer is free (leader/follower group commit). */
export const DEFAULT_FLUSH_INTERVAL_MS = 0;
export const DEFAULT_MAX_BATCH_SIZE = 500;
export const DEFAULT_MAX_PENDING = 20_000;

/** `Retry-After` of a 503 when the queue could not keep an event (storage or Redis down, full). */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Injection token of the `RedisQueueRuntime` (`null` with the inline queue). */
export const REDIS_QUEUE_RUNTIME = Symbol('REDIS_QUEUE_RUNTIME');
