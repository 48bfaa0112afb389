import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A named lease on a maintenance job (the purge), so that of several receivers sharing one
 * database only one runs it at a time: a process takes the lease when it is free or expired,
 * and gives it back when done.
 */
@Entity('lifecycle_leases')
export class LifecycleLeaseEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name!: string;

  /** Random id of the process holding the lease. */
  @Column({ type: 'varchar', length: 64 })
  holder!: string;

  /** When the lease lapses if its holder never returns it (a crashed process). */
  @Column({ type: Date })
  expires_at!: Date;
}
