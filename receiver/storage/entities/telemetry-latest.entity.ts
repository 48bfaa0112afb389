import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer } from '../column.transformers';

/** The most recent value of every key of every host (unique per host and key). */
@Entity('telemetry_latest')
export class TelemetryLatestEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer' })
  host_id!: number;

  @Column({ type: 'varchar', length: 191 })
  key!: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  value!: unknown;

  /** Declared type (`gauge`, `counter`, `info`) of the latest report, NULL when none was declared. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  value_type!: string | null;

  /** Declared unit of the latest report, NULL when none was declared. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  unit!: string | null;

  @Column({ type: Date })
  collected_at!: Date;

  @Column({ type: Date })
  received_at!: Date;
}
