import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { cascade, index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';
import { markRollupsPendingIfAny } from './rollups-pending';

/**
 * The links' clickers: one small integer per link and IP hash (its unique key compares hashes as
 * the engine's `COUNT(DISTINCT ip_hash)` does), so the per-day sets behind a link's unique clicks
 * hold compact ids instead of the hashes' text. Rollups built before hold hashes: when the
 * database has clicks, complete rollups go back to `pending`, so analytics answer from the raw
 * rows until `receiver rebuild-rollups` has rebuilt them (an empty database is adopted as before).
 */
export class LinkClickers1764900000000 implements MigrationInterface {
  name = 'LinkClickers1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.createTable(
      new Table({
        name: 'link_clickers',
        columns: [c.id(), c.int('link_id'), c.string('ip_hash', 64, '')],
        indices: [index('uq_link_clickers_link_hash', ['link_id', 'ip_hash'], true)],
        foreignKeys: [cascade('link_id', 'tracked_links')],
      }),
      false,
    );
    await markRollupsPendingIfAny(runner, ['link_clicks']);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('link_clickers');
  }
}
