import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { nullableJsonTransformer } from '../column.transformers';

/** An audit event recorded by a project's backend. */
@Entity('audit_logs')
export class AuditLogEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  actor!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  ip_hash!: string;

  /** JSON document exactly as sent (`{}` stays `{}`), or `null`. */
  @Column({ type: 'text', nullable: true, transformer: nullableJsonTransformer })
  context!: unknown;

  @Column({ type: Date })
  created_at!: Date;

  /** Id given to the event when it was accepted (a UUIDv7; null on rows stored before event ids existed). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  event_id!: string | null;
}
