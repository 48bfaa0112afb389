import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer } from '../column.transformers';

/** What an alert rule watches (see docs/alerts.md for each kind's conditions). */
export type AlertRuleKind =
  | 'new_error_group'
  | 'regression'
  | 'error_threshold'
  | 'traffic_anomaly'
  | 'host_stale'
  | 'telemetry_value';

/** Where and how an alert is delivered: a signed JSON webhook, or a Slack or Discord incoming webhook. */
export type AlertChannel = 'webhook' | 'slack' | 'discord';

/** One per-project alert rule: what to watch, where to send it, how often at most. */
@Entity('alert_rules')
export class AlertRuleEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'integer' })
  project_id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 24 })
  kind!: AlertRuleKind;

  /** The kind's conditions, validated (`{count, window_minutes, severity?}`…). */
  @Column({ type: 'text', transformer: jsonTransformer })
  conditions!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  channel!: AlertChannel;

  /** The webhook URL (Slack and Discord webhook URLs are secrets: admin only). */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** HMAC key of the `X-Alert-Signature` header (generated, shown to admins). */
  @Column({ type: 'varchar', length: 64 })
  secret!: string;

  /** Least seconds between two messages of the rule; firings meanwhile are grouped into the next. */
  @Column({ type: 'integer' })
  cooldown_seconds!: number;

  @Column({ type: Boolean, default: true })
  is_active!: boolean;

  @Column({ type: Date })
  created_at!: Date;

  @Column({ type: Date })
  updated_at!: Date;
}
