import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The claim of one time-based rule for one evaluation slot: the primary key makes the first
 * process to insert it the only one that evaluates that rule in that slot, on every engine and
 * without Redis.
 */
@Entity('alert_evaluations')
export class AlertEvaluationEntity {
  @PrimaryColumn({ type: 'integer' })
  rule_id!: number;

  /** Evaluation slot: epoch milliseconds divided by the evaluation interval. */
  @PrimaryColumn({ type: 'bigint' })
  slot!: string;

  @Column({ type: 'integer' })
  project_id!: number;

  /** Random id of the process that claimed it. */
  @Column({ type: 'varchar', length: 32 })
  holder!: string;
}
