import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { bigintTransformer } from '../column.transformers';

/** Where a visit came from (Micrologs referrer categories). */
export type ReferrerCategory =
  'direct' | 'organic_search' | 'social' | 'referral' | 'email' | 'unknown';

/** One page view (no foreign keys, as in Micrologs: project delete removes rows explicitly). */
@Entity('pageviews')
export class PageviewEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  session_id!: number;

  @Column({ type: 'bigint', transformer: bigintTransformer })
  visitor_id!: number;

  @Column({ type: 'integer', nullable: true })
  location_id!: number | null;

  @Column({ type: 'integer', nullable: true })
  device_id!: number | null;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 512, default: '' })
  page_title!: string;

  @Column({ type: 'varchar', length: 2048, default: '' })
  referrer_url!: string;

  @Column({ type: 'varchar', length: 20, default: 'unknown' })
  referrer_category!: ReferrerCategory;

  @Column({ type: 'varchar', length: 255, default: '' })
  utm_source!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  utm_medium!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  utm_campaign!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  utm_content!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  utm_term!: string;

  @Column({ type: 'varchar', length: 20, default: '' })
  screen_resolution!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  timezone!: string;

  /** Receive time (UTC). */
  @Column({ type: Date })
  created_at!: Date;

  /** Id given to the event when it was accepted (a UUIDv7; null on rows stored before event ids existed). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  event_id!: string | null;
}
