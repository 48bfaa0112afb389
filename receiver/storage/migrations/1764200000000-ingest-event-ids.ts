import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * Tables whose rows are written one per accepted event: each row keeps the event's id (a UUIDv7
 * given at accept time) under a unique index, so a queue that delivers an event again never
 * stores it twice. Rows from before this migration have none (NULL, which a unique index allows
 * any number of times).
 */
export const EVENT_ID_TABLES = ['pageviews', 'error_events', 'audit_logs', 'link_clicks'];

export class IngestEventIds1764200000000 implements MigrationInterface {
  name = 'IngestEventIds1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    for (const table of EVENT_ID_TABLES) {
      await runner.addColumn(table, new TableColumn(c.string('event_id', 36, undefined, true)));
      await runner.createIndex(table, index(`uq_${table}_event_id`, ['event_id'], true));
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...EVENT_ID_TABLES].reverse()) {
      await runner.dropIndex(table, `uq_${table}_event_id`);
      await runner.dropColumn(table, 'event_id');
    }
  }
}
