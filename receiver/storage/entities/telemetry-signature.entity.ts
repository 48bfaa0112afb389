import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Signatures of timestamped reports seen within the replay window. The unique key makes replay
 * refusal hold across several receiver instances sharing one database.
 */
@Entity('telemetry_signatures')
export class TelemetrySignatureEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 64 })
  signature!: string;

  @Column({ type: Date })
  created_at!: Date;
}
