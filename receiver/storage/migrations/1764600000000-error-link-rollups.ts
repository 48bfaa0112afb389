import type { MigrationInterface, QueryRunner } from 'typeorm';
import { markRollupsPendingIfAny } from './rollups-pending';

/**
 * The rollups now also hold error occurrences per group and link clicks per link (dimensions
 * `error_group`, `link`, `link_geo:…`, `link_ref:…`, `link_dev:…`; no new table). Rollups built
 * before hold none of them: when the database has error events or clicks, complete rollups go
 * back to `pending`, so analytics answer from the raw rows until `receiver rebuild-rollups` has
 * built the new rows (an empty database is adopted as before).
 */
export class ErrorLinkRollups1764600000000 implements MigrationInterface {
  name = 'ErrorLinkRollups1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await markRollupsPendingIfAny(runner, ['error_events', 'link_clicks']);
  }

  async down(): Promise<void> {
    // Nothing to undo: `pending` rollups are rebuilt by `receiver rebuild-rollups`.
  }
}
