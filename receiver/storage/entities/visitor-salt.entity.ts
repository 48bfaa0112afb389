import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The secret of one UTC day from which cookieless visitor ids are derived. Kept in the database
 * so every receiver process derives the same ids; deleted once the day is over (and its grace
 * period has passed), after which that day's ids can no longer be recomputed or linked.
 */
@Entity('visitor_salts')
export class VisitorSaltEntity {
  /** The UTC day, `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'varchar', length: 10 })
  day!: string;

  /** 32 random bytes as 64 hex characters. */
  @Column({ type: 'varchar', length: 64 })
  salt!: string;

  @Column({ type: Date })
  created_at!: Date;
}
