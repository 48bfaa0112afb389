import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import type { ReferrerCategory } from './pageview.entity';

/** One redirect through a tracked link. */
@Entity('link_clicks')
export class LinkClickEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  link_id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer', nullable: true })
  location_id!: number | null;

  @Column({ type: 'integer', nullable: true })
  device_id!: number | null;

  @Column({ type: 'varchar', length: 2048, default: '' })
  referrer_url!: string;

  @Column({ type: 'varchar', length: 20, default: 'unknown' })
  referrer_category!: ReferrerCategory;

  @Column({ type: 'varchar', length: 64, default: '' })
  ip_hash!: string;

  @Column({ type: Date })
  created_at!: Date;

  /** Id given to the event when it was accepted (a UUIDv7; null on rows stored before event ids existed). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  event_id!: string | null;
}
