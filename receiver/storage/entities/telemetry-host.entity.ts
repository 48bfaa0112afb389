import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer } from '../column.transformers';

export type TelemetryHostStatus = 'pending' | 'approved';

/** A reporting installation (one `host` value) of a project. */
@Entity('telemetry_hosts')
export class TelemetryHostEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 191 })
  host!: string;

  @Column({ type: 'varchar', length: 10, default: 'approved' })
  status!: TelemetryHostStatus;

  /** Extra keys merged into every telemetry answer to this host (e.g. `maintenance_mode`). */
  @Column({ type: 'text', transformer: jsonTransformer })
  response_extras!: Record<string, unknown>;

  @Column({ type: Date })
  first_seen!: Date;

  @Column({ type: Date, nullable: true })
  last_seen!: Date | null;

  @Column({ type: 'integer', default: 0 })
  report_count!: number;

  /** Moving average of the seconds between reports; drives the `stale` flag. */
  @Column({ type: 'double precision', nullable: true })
  avg_interval_seconds!: number | null;
}
