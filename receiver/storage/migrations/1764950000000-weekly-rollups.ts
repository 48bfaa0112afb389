import type { MigrationInterface, QueryRunner } from 'typeorm';
import { markRollupsPendingIfAny } from './rollups-pending';

/**
 * The breakdown dimensions now also keep week rows (dimensions `page/wk`, `country/wk`…; no new
 * table), which the breakdown reads take whole weeks from. Rollups built before hold none: when
 * the database has pageviews, complete rollups go back to `pending`, so analytics answer from
 * the raw rows until `receiver rebuild-rollups` has built them (an empty database is adopted as
 * before).
 */
export class WeeklyRollups1764950000000 implements MigrationInterface {
  name = 'WeeklyRollups1764950000000';

  async up(runner: QueryRunner): Promise<void> {
    await markRollupsPendingIfAny(runner, ['pageviews']);
  }

  async down(): Promise<void> {
    // Nothing to undo: `pending` rollups are rebuilt by `receiver rebuild-rollups`.
  }
}
