// The interfaces a host application implements to plug its own storage into the receiver
// (`ReceiverModuleOptions.rateLimit`, `analyticsCache`, `ingest`). They live beside the options —
// the one folder every domain may import — and the domains (common/rate-limit, cache, ingest)
// build their memory, Redis and inline implementations on them.

/** Result of counting one request against a rate limit. */
export type RateLimitOutcome = 'allowed' | 'blocked-now' | 'blocked';

/**
 * Where rate-limit counters live. Fixed-window algorithm of the Micrologs contract (1.8): an
 * active block answers `blocked` without counting; otherwise the hit is counted (the first hit
 * starts the window), and going over `limit` starts a block (`blocked-now`) and resets the
 * counter. A storage that throws lets the request through (the receiver logs the failure).
 */
export interface RateLimitStorage {
  hit(
    key: string,
    limit: number,
    windowSeconds: number,
    blockSeconds: number,
  ): Promise<RateLimitOutcome>;
}

/**
 * Where cached analytics answers live. Implementations may throw: the receiver catches every
 * failure and reads the database instead, so a store never needs its own fail-open logic.
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

/**
 * One accepted event waiting to be written. `payload` is plain JSON (validated and enriched on the
 * request path), so a queue that stores jobs outside the process (Redis) can carry it unchanged.
 */
export interface IngestJob<P = unknown> {
  /**
   * The event id given when the event was accepted (`newEventId()`: a time-ordered UUIDv7).
   * Stored with a unique index on the event's row, so delivering the job again never stores it
   * twice.
   */
  id: string;
  kind: string;
  payload: P;
  /**
   * Set by a queue that may hand a job out more than once (a worker that died after its commit
   * but before acknowledging). The writer then skips jobs already stored, so what is counted
   * beside the event's row (error-group occurrences) is not counted again.
   */
  redelivered?: boolean;
}

/**
 * The queue between the HTTP endpoints and the database. `enqueue` resolves once the job is
 * durable — committed to the database by the inline queue, or stored elsewhere by a queue that
 * has workers — and rejects when it cannot be kept (the endpoint then answers 503). An endpoint
 * answers 202 only after `enqueue` resolved.
 */
export interface IngestQueue {
  /** Implementation name shown by health (`inline`, `redis`). */
  readonly name: string;
  /** Accepts one event; resolves once it is kept. Gives the job its id with `newEventId()`. */
  enqueue<P>(kind: string, payload: P): Promise<void>;
  /** Liveness for the `queue` health check (`fail` turns the health document unhealthy). */
  health(): IngestQueueHealth;
  /** Stops accepting jobs and resolves when every accepted job has been written or failed. */
  drain(): Promise<void>;
}

/** What the `queue` health check shows. */
export interface IngestQueueHealth {
  status: 'ok' | 'fail';
  message: string;
  pending: number;
}

/**
 * Writes jobs to the receiver's database: one transaction for the batch, then one per job if the
 * batch failed, so a bad event cannot take the others down. Handed to a custom
 * {@link IngestQueue}'s factory, which calls it for the jobs it takes off its queue.
 */
export interface IngestBatchWriter {
  /** Per job, in order: `undefined` when written, otherwise the error that kept it out. */
  process(jobs: IngestJob[]): Promise<(Error | undefined)[]>;
}
