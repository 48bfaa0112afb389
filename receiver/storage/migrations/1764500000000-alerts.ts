import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { cascade, index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * Alerts: the per-project rules, their firings (unique per rule and occurrence: the
 * exactly-once key), the delivery outbox, and the claims that let one process evaluate each
 * time-based rule per slot.
 */
export class Alerts1764500000000 implements MigrationInterface {
  name = 'Alerts1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.createTable(
      new Table({
        name: 'alert_rules',
        columns: [
          c.id(),
          c.int('project_id'),
          c.string('name', 100),
          c.string('kind', 24),
          c.text('conditions'),
          c.string('channel', 16),
          c.string('url', 2048),
          c.string('secret', 64),
          c.int('cooldown_seconds'),
          c.bool('is_active', true),
          c.time('created_at'),
          c.time('updated_at'),
        ],
        indices: [index('ix_alert_rules_project', ['project_id'])],
        foreignKeys: [cascade('project_id', 'projects')],
      }),
      false,
    );
    await runner.createTable(
      new Table({
        name: 'alert_firings',
        columns: [
          c.id(true),
          c.int('project_id'),
          c.int('rule_id'),
          c.string('dedup_key', 191),
          c.text('summary'),
          c.time('fired_at'),
          c.int('delivery_id', { nullable: true, big: true }),
        ],
        indices: [
          index('ux_alert_firings_rule_key', ['rule_id', 'dedup_key'], true),
          index('ix_alert_firings_rule_delivery', ['rule_id', 'delivery_id']),
        ],
        foreignKeys: [cascade('rule_id', 'alert_rules')],
      }),
      false,
    );
    await runner.createTable(
      new Table({
        name: 'alert_deliveries',
        columns: [
          c.id(true),
          c.int('project_id'),
          c.int('rule_id'),
          c.string('kind', 8),
          c.string('status', 12),
          c.text('payload'),
          c.int('firing_count'),
          c.int('attempts', { default: 0 }),
          c.time('next_attempt_at'),
          c.time('lease_until', true),
          c.int('response_status', { nullable: true }),
          c.string('last_error', 512, ''),
          c.time('created_at'),
          c.time('delivered_at', true),
        ],
        indices: [
          index('ix_alert_deliveries_due', ['status', 'next_attempt_at']),
          index('ix_alert_deliveries_rule_created', ['rule_id', 'created_at']),
        ],
        foreignKeys: [cascade('rule_id', 'alert_rules')],
      }),
      false,
    );
    await runner.createTable(
      new Table({
        name: 'alert_evaluations',
        columns: [
          { ...c.int('rule_id'), isPrimary: true },
          { ...c.int('slot', { big: true }), isPrimary: true },
          c.int('project_id'),
          c.string('holder', 32),
        ],
        foreignKeys: [cascade('rule_id', 'alert_rules')],
      }),
      false,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['alert_evaluations', 'alert_deliveries', 'alert_firings', 'alert_rules']) {
      await runner.dropTable(table);
    }
  }
}
