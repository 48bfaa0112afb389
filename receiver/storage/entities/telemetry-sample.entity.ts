import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { jsonTransformer } from '../column.transformers';

/** One reported value; unique per (host, key, collected_at) so retries never double count. */
@Entity('telemetry_samples')
export class TelemetrySampleEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer' })
  host_id!: number;

  @Column({ type: 'varchar', length: 191 })
  key!: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  value!: unknown;

  /** Numeric copy of `value` when it is a finite number (for min/avg/max in SQL). */
  @Column({ type: 'double precision', nullable: true })
  numeric_value!: number | null;

  @Column({ type: Date })
  collected_at!: Date;

  @Column({ type: Date })
  received_at!: Date;
}
