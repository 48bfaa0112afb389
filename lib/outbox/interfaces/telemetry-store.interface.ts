import type { TelemetryValueMeta } from '../../protocol';

/** One collected value waiting for the receiver's acknowledgement. */
export interface OutboxEntryInput {
  /** Telemetry key, the name under which the value is sent in `data`. */
  key: string;
  /** The collected value, already checked to be JSON-serialisable. */
  value: unknown;
  /** UTC ISO-8601 time of the collection (millisecond precision). */
  collectedAt: string;
  /** `host` the value was collected for; payloads are grouped by it. */
  host: string;
  /** The collector's declared type and unit, if any: sent as the payload's `metadata`. */
  meta?: TelemetryValueMeta;
}

/** An outbox entry as stored: its `id` grows with every append, so ids give the order. */
export interface OutboxEntry extends OutboxEntryInput {
  id: number;
}

/**
 * An outbox entry the receiver refused for good (400, 413, 415 or 422), set aside so the entries
 * behind it are delivered: kept, counted and listed until it is retried or dropped.
 */
export interface DeadLetter extends OutboxEntry {
  /** HTTP status of the latest refusal; a round refused inside a batch answer is recorded as 422. */
  status: number;
  /** The receiver's reason, as its answer gave it. */
  reason: string;
  /** UTC ISO-8601 time of the latest refusal. */
  refusedAt: string;
}

/** A held lock; `release()` frees it early, otherwise it expires after its time to live. */
export interface TelemetryLock {
  release(): Promise<void>;
}

/**
 * Storage of the client: the durable outbox, a small key-value part (last collection times, the
 * auth token, the last known flags) and expiring locks. Memory, file and Redis implementations
 * ship with the package; pass your own instance as `store` to use another backend.
 */
export interface TelemetryStore {
  /**
   * Appends entries in order. When the outbox would exceed its bound, the oldest entries are
   * dropped; the number dropped is returned.
   */
  append(entries: OutboxEntryInput[]): Promise<number>;
  /** The oldest `limit` entries, oldest first. */
  pending(limit: number): Promise<OutboxEntry[]>;
  /** Removes acknowledged entries; unknown ids are ignored. */
  acknowledge(ids: number[]): Promise<void>;
  /** Number of entries waiting. */
  size(): Promise<number>;
  /**
   * Moves the letters' entries out of the pending ones into the dead letters in one step (a letter
   * whose id is already a dead letter replaces it). Beyond the dead-letter bound the oldest dead
   * letters are dropped; the number dropped is returned. Optional: a store without the four
   * dead-letter methods keeps a refused entry pending, at the head of the outbox.
   */
  setAside?(letters: DeadLetter[]): Promise<number>;
  /** The oldest `limit` dead letters, oldest (lowest id) first. */
  deadLetters?(limit: number): Promise<DeadLetter[]>;
  /** Number of dead letters kept. */
  deadLetterCount?(): Promise<number>;
  /** Removes dead letters (sent again, or dropped by the user); unknown ids are ignored. */
  dropDeadLetters?(ids: number[]): Promise<void>;
  /** A JSON value stored with `setValue`, or `undefined`. */
  getValue<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value without expiry. */
  setValue(key: string, value: unknown): Promise<void>;
  /** Stores several values at once (one write for stores that persist). */
  setValues(values: Record<string, unknown>): Promise<void>;
  deleteValue(key: string): Promise<void>;
  /**
   * Takes the lock `name` for `ttlMs` unless someone (this process or, for shared stores, another
   * replica) holds it; `undefined` when it is taken.
   */
  acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined>;
  /** Frees connections and file handles. */
  close(): Promise<void>;
}
