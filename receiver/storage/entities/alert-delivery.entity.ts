import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';

/** `pending` until the endpoint answers 2xx (`delivered`) or 24 hours of retries end (`failed`). */
export type AlertDeliveryStatus = 'pending' | 'delivered' | 'failed';

/**
 * One message to one rule's endpoint: the outbox row written before anything is sent, so a
 * restart loses none. The body is stored as it will be sent; only the signature's time changes
 * between attempts.
 */
@Entity('alert_deliveries')
export class AlertDeliveryEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer' })
  rule_id!: number;

  /** `alert`, or `test` for the "send test" endpoint (no cooldown, no firings). */
  @Column({ type: 'varchar', length: 8 })
  kind!: 'alert' | 'test';

  @Column({ type: 'varchar', length: 12 })
  status!: AlertDeliveryStatus;

  /** The JSON body as sent (generic, Slack or Discord shape). */
  @Column({ type: 'text' })
  payload!: string;

  /** Firings grouped into this message. */
  @Column({ type: 'integer' })
  firing_count!: number;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: Date })
  next_attempt_at!: Date;

  /** A sender holds the row until then (several processes send from one table). */
  @Column({ type: Date, nullable: true })
  lease_until!: Date | null;

  /** HTTP status of the last attempt (NULL: none yet, or no answer). */
  @Column({ type: 'integer', nullable: true })
  response_status!: number | null;

  @Column({ type: 'varchar', length: 512, default: '' })
  last_error!: string;

  @Column({ type: Date })
  created_at!: Date;

  @Column({ type: Date, nullable: true })
  delivered_at!: Date | null;
}
