import type { EntityManager, ObjectLiteral } from 'typeorm';

/**
 * One accepted event waiting to be written. `payload` is plain JSON (validated and enriched on the
 * request path), so a queue that stores jobs outside the process (Redis) can carry it unchanged.
 */
export interface IngestJob<P = unknown> {
  /**
   * The event id given at accept time ({@link newEventId}: a UUIDv7). Stored with a unique index
   * on the event's row, so delivering the job again never stores it twice.
   */
  id: string;
  kind: string;
  payload: P;
  /**
   * Set by a queue that may hand the job out more than once (a worker that died after its commit
   * but before acknowledging). The processor then skips jobs already stored, so counters updated
   * beside the event's row are not counted again. The inline queue never redelivers.
   */
  redelivered?: boolean;
}

/** A payload as its handler sees it: with the id the event was given when it was accepted. */
export type IngestEvent<P> = P & { readonly eventId: string };

/**
 * The queue between the HTTP endpoints and the database. `enqueue` resolves once the job is
 * durable — committed to the database by the inline queue, or stored in Redis by a queue that
 * has workers — and rejects with {@link IngestUnavailableError} when it cannot be kept. An
 * endpoint answers 202 only after `enqueue` resolved.
 */
export interface IngestQueue {
  /** Implementation name shown by health (`inline`, `redis`). */
  readonly name: string;
  /** Accepts one event: gives it its id ({@link newEventId}) and resolves once it is kept. */
  enqueue<P>(kind: string, payload: P): Promise<void>;
  /** Liveness for the `queue` health check. */
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

/** Handed to handlers for one batch: the transaction and a hook that runs only after commit. */
export interface IngestBatchContext {
  /** Entity manager bound to the batch's transaction; every write of the batch goes through it. */
  manager: EntityManager;
  /**
   * Registers work to run once the transaction committed (filling in-memory id caches,
   * invalidating analytics caches). It never runs for a batch that rolled back.
   */
  afterCommit(task: () => void | Promise<void>): void;
}

/**
 * Writes the jobs of one kind. A batch may hold jobs of several kinds; each handler sees its
 * own jobs in arrival order, inside the batch's single transaction. Handlers register
 * themselves with `IngestHandlerRegistry.register(this)` (usually in `onModuleInit`).
 */
export interface IngestHandler<P = unknown> {
  readonly kind: string;
  /**
   * The entity of the event's own row, whose `event_id` column (unique) holds the event id. The
   * processor looks redelivered jobs up there and skips those already stored. Leave it out when
   * the handler's rows have a natural key of their own that makes a repeat change nothing.
   */
  readonly eventEntity?: new () => ObjectLiteral;
  handle(events: IngestEvent<P>[], context: IngestBatchContext): Promise<void>;
}

/** Tuning of the inline group commit. */
export interface InlineIngestOptions {
  /** How long the first job of a batch waits for company before the batch is written (ms). Default 4. */
  flushIntervalMs?: number;
  /** A batch is written as soon as it holds this many jobs. Default 500. */
  maxBatchSize?: number;
  /** Jobs waiting beyond this are refused with 503 instead of growing memory. Default 20 000. */
  maxPending?: number;
}
