import type { MigrationInterface, QueryRunner } from 'typeorm';
import { markRollupsPendingIfAny } from './rollups-pending';

/**
 * The rollups now also count audit entries per project, local day and action (dimension
 * `audit_action`; no new table), which the audits endpoint's `top_actions` sums instead of
 * counting every entry of the window. Rollups built before hold none: when the database has
 * audit entries, complete rollups go back to `pending`, so analytics answer from the raw rows
 * until `receiver rebuild-rollups` has built them (an empty database is adopted as before).
 */
export class AuditActionRollups1764980000000 implements MigrationInterface {
  name = 'AuditActionRollups1764980000000';

  async up(runner: QueryRunner): Promise<void> {
    await markRollupsPendingIfAny(runner, ['audit_logs']);
  }

  async down(): Promise<void> {
    // Nothing to undo: rows of an unknown dimension are never read, and a rebuild drops them.
  }
}
