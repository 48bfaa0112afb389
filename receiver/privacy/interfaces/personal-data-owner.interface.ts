import type { EntityManager } from 'typeorm';

/** A visitor of the snippet or an SDK, as the person knows them: the `visitor_id` the client sent. */
export interface VisitorSubject {
  type: 'visitor';
  projectId: number;
  /** The id as sent (the `_ml_vid` cookie value in cookie mode). */
  visitorId: string;
  /** Its SHA-256 hex, as `visitors.visitor_hash` stores it. */
  visitorHash: string;
  /**
   * An IP address the person gave, to include the link clicks made from it (clicks carry no
   * visitor id, only the salted IP hash). Absent: clicks are not searched.
   */
  ip?: string;
}

/** The `actor` of audit events (a user id, an email…), as the project's backend sent it. */
export interface ActorSubject {
  type: 'actor';
  projectId: number;
  actor: string;
}

/** The person an access or erasure request is about. */
export type PersonalDataSubject = VisitorSubject | ActorSubject;

/** Rows per table (exported, deleted, or corrected in place). */
export type RowCounts = Record<string, number>;

/** Rows per table, as JSON-ready objects. */
export type ExportedRows = Record<string, Record<string, unknown>[]>;

/** The erasure's transaction, shared by every owner so that all of it commits or none. */
export interface ErasureContext {
  manager: EntityManager;
  /** Runs `work` once the transaction committed (caches holding ids of deleted rows). */
  afterCommit(work: () => void | Promise<void>): void;
}

/**
 * A domain that stores personal data, as the privacy requests see it. Each domain implements it
 * next to its own tables and registers it in the `PersonalDataRegistry`; the privacy service
 * never writes another domain's SQL. All methods are optional: a rollup store, for instance,
 * has nothing to export or delete but must {@link subtract}.
 */
export interface PersonalDataOwner {
  /** A copy of what the domain holds about `subject`, table by table. */
  export?(subject: PersonalDataSubject, manager: EntityManager): Promise<ExportedRows>;
  /**
   * Removes `subject` from aggregates (rollups, counters) while its raw rows still exist: every
   * owner's `subtract` runs, in the erasure's transaction, before any owner's {@link erase}.
   * Returns the aggregate rows corrected per table.
   */
  subtract?(subject: PersonalDataSubject, context: ErasureContext): Promise<RowCounts>;
  /** Deletes the subject's rows and corrects the counts kept beside them, in the transaction. */
  erase?(subject: PersonalDataSubject, context: ErasureContext): Promise<RowCounts>;
}
