import type { EntityManager, ObjectLiteral } from 'typeorm';

// The queue's public contract lives beside the receiver's options (a host application may plug
// its own queue): re-exported here so the ingest domain keeps one place to import from.
export type {
  IngestBatchWriter,
  IngestJob,
  IngestQueue,
  IngestQueueHealth,
} from '../../config/receiver-extensions.interface';

/** A payload as its handler sees it: with the id the event was given when it was accepted. */
export type IngestEvent<P> = P & { readonly eventId: string };

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
  /**
   * An extra wait (ms) for company before a batch is written. Default 0: a batch starts as soon as
   * the writer is free, and events arriving meanwhile form the next one.
   */
  flushIntervalMs?: number;
  /** A batch is written as soon as it holds this many jobs. Default 500. */
  maxBatchSize?: number;
  /** Jobs waiting beyond this are refused with 503 instead of growing memory. Default 20 000. */
  maxPending?: number;
}
