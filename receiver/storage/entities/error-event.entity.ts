import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { nullableJsonTransformer } from '../column.transformers';
import type { ErrorEnvironment, ErrorSeverity } from './error-group.entity';

/** One occurrence of an error group. */
@Entity('error_events')
export class ErrorEventEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  group_id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer', nullable: true })
  location_id!: number | null;

  @Column({ type: 'integer', nullable: true })
  device_id!: number | null;

  /** At most 65 535 bytes. */
  @Column({ type: 'text', nullable: true })
  stack_trace!: string | null;

  @Column({ type: 'varchar', length: 2048, default: '' })
  url!: string;

  @Column({ type: 'varchar', length: 12, default: 'production' })
  environment!: ErrorEnvironment;

  @Column({ type: 'varchar', length: 10, default: 'error' })
  severity!: ErrorSeverity;

  /** JSON document exactly as sent (`{}` stays `{}`), or `null`. */
  @Column({ type: 'text', nullable: true, transformer: nullableJsonTransformer })
  context!: unknown;

  @Column({ type: Date })
  created_at!: Date;

  /** How many times the error happened: a client's coalesced burst is one row with its count. */
  @Column({ type: 'integer', default: 1 })
  occurrences!: number;

  /** Id given to the event when it was accepted (a UUIDv7; null on rows stored before event ids existed). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  event_id!: string | null;
}
