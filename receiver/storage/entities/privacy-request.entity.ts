import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { jsonTransformer } from '../column.transformers';

/** What a privacy request asked for: a copy of the data (Art. 15) or its erasure (Art. 17). */
export type PrivacyRequestAction = 'export' | 'erase';

/** Whose data: a visitor of the snippet or SDK, or an actor of audit events. */
export type PrivacySubjectType = 'visitor' | 'actor';

/**
 * One answered access or erasure request, kept as the controller's record of it. It names the
 * subject only by a SHA-256 hash, so the log of an erasure does not keep the erased identifier.
 */
@Entity('privacy_requests')
export class PrivacyRequestEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 16 })
  action!: PrivacyRequestAction;

  @Column({ type: 'varchar', length: 16 })
  subject_type!: PrivacySubjectType;

  /** SHA-256 hex of the identifier (for a visitor: its `visitors.visitor_hash`). */
  @Column({ type: 'varchar', length: 64 })
  subject_hash!: string;

  /** Who asked: the `X-Requested-By` header or the CLI's `--requested-by`, else `''`. */
  @Column({ type: 'varchar', length: 255, default: '' })
  requested_by!: string;

  /** The credential used: `admin-key:<first 12 hex of its SHA-256>` or `cli`. */
  @Column({ type: 'varchar', length: 32 })
  credential!: string;

  /** Rows per table exported, deleted or corrected: `{"pageviews": 12, …}`. */
  @Column({ type: 'text', transformer: jsonTransformer })
  row_counts!: Record<string, number>;

  @Column({ type: Date })
  created_at!: Date;
}
