import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A bearer token issued to one host; only its SHA-256 hash is stored. */
@Entity('telemetry_tokens')
export class TelemetryTokenEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer' })
  host_id!: number;

  @Column({ type: 'varchar', length: 64 })
  token_hash!: string;

  @Column({ type: Date })
  created_at!: Date;

  @Column({ type: Date, nullable: true })
  last_used_at!: Date | null;
}
