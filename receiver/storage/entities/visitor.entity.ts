import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';

/** A visitor of one project (unique per project and visitor hash). */
@Entity('visitors')
export class VisitorEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 64 })
  visitor_hash!: string;

  /** `''` when the client sent no fingerprint. */
  @Column({ type: 'varchar', length: 64, nullable: true, default: '' })
  fingerprint_hash!: string | null;

  @Column({ type: Date })
  first_seen!: Date;

  @Column({ type: Date })
  last_seen!: Date;
}
