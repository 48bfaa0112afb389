import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ErrorSeverity = 'info' | 'warning' | 'error' | 'critical';
export type ErrorEnvironment = 'production' | 'staging' | 'development' | 'unknown';
export type ErrorStatus = 'open' | 'investigating' | 'resolved' | 'ignored';

/** Occurrences of one error, grouped by fingerprint per project. */
@Entity('error_groups')
export class ErrorGroupEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 64 })
  fingerprint!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  error_type!: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  message!: string;

  @Column({ type: 'varchar', length: 512, default: '' })
  file!: string;

  @Column({ type: 'integer', nullable: true })
  line!: number | null;

  @Column({ type: 'varchar', length: 10, default: 'error' })
  severity!: ErrorSeverity;

  @Column({ type: 'varchar', length: 12, default: 'production' })
  environment!: ErrorEnvironment;

  @Column({ type: 'varchar', length: 14, default: 'open' })
  status!: ErrorStatus;

  @Column({ type: 'integer', default: 1 })
  occurrence_count!: number;

  @Column({ type: Date })
  first_seen!: Date;

  @Column({ type: Date })
  last_seen!: Date;
}
