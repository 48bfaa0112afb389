import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { cascade, index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * Analytics rollups: per project, local day and dimension value (a page, a referrer, a device
 * type…), the pageviews and the exact set of visitor (or session) ids behind its unique counts,
 * so a month of analytics reads a few thousand rows instead of every pageview. Plus the one row
 * saying which time zone the rollups are built in and whether they are complete. A database
 * that already holds pageviews starts `pending`: answers come from the raw rows until
 * `receiver rebuild-rollups` has built them; an empty one is adopted by the first receiver start.
 */
export class AnalyticsRollups1764300000000 implements MigrationInterface {
  name = 'AnalyticsRollups1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.createTable(
      new Table({
        name: 'analytics_rollups',
        columns: [
          { ...c.int('project_id'), isPrimary: true },
          { ...c.string('dimension', 16), isPrimary: true },
          { ...c.string('day', 10), isPrimary: true },
          { ...c.string('value_key', 64), isPrimary: true },
          c.string('label_a', 2048, ''),
          c.string('label_b', 512, ''),
          c.string('label_c', 255, ''),
          c.string('label_d', 255, ''),
          c.int('pageviews', { default: 0 }),
          c.blob('members'),
        ],
        indices: [index('ix_analytics_rollups_day', ['day'])],
        foreignKeys: [cascade('project_id', 'projects')],
      }),
      false,
    );
    await runner.createTable(
      new Table({
        name: 'analytics_rollup_state',
        columns: [
          { ...c.string('name', 32), isPrimary: true },
          c.string('time_zone', 64, undefined, true),
          c.string('status', 16),
          c.string('built_through', 10, undefined, true),
          c.time('updated_at'),
        ],
      }),
      false,
    );
    const [{ n }] = await runner.query(
      'SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM pageviews LIMIT 1) t',
    );
    const status = Number(n) > 0 ? 'pending' : 'empty';
    await runner.query(
      `INSERT INTO analytics_rollup_state (name, time_zone, status, built_through, updated_at) ` +
        `VALUES ('rollups', NULL, '${status}', NULL, CURRENT_TIMESTAMP)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('analytics_rollup_state');
    await runner.dropTable('analytics_rollups');
  }
}
