import { Column, Entity } from 'typeorm';
import { BigIntPrimaryColumn } from '../bigint-primary-column.decorator';
import { bigintTransformer, jsonTransformer } from '../column.transformers';

/** What a firing says, as the messages show it. */
export interface AlertFiringSummary {
  /** One line: `New error group: TypeError: x is undefined`. */
  title: string;
  /** Kind-specific figures (group id, count, host, value…). */
  details: Record<string, unknown>;
}

/**
 * One occurrence of a rule's condition. `(rule_id, dedup_key)` is unique: whichever process
 * records it first owns it, so a condition seen by several processes (or evaluated twice) fires
 * once. Firings wait (`delivery_id` NULL) until a delivery takes them, several at a time.
 */
@Entity('alert_firings')
export class AlertFiringEntity {
  @BigIntPrimaryColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'integer' })
  rule_id!: number;

  /** What makes this occurrence unique for its rule (`group:12:new`, `window:2026-11-30T13:00Z`…). */
  @Column({ type: 'varchar', length: 191 })
  dedup_key!: string;

  @Column({ type: 'text', transformer: jsonTransformer })
  summary!: AlertFiringSummary;

  @Column({ type: Date })
  fired_at!: Date;

  /** The delivery that carries it; NULL while it waits (cooldown, next tick). */
  @Column({ type: 'bigint', nullable: true, transformer: bigintTransformer })
  delivery_id!: number | null;
}
