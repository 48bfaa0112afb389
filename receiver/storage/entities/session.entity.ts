import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { bigintTransformer } from '../column.transformers';

/** A browsing session; the token is unique per project (not globally as in Micrologs). */
@Entity('sessions')
export class SessionEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  visitor_id!: number;

  @Column({ type: 'varchar', length: 64 })
  session_token!: string;

  @Column({ type: Date })
  started_at!: Date;

  @Column({ type: Date })
  last_activity!: Date;

  @Column({ type: Boolean, default: true })
  is_bounced!: boolean;
}
