import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { micrologsTables } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';
import { telemetryTables } from './telemetry.tables';

/** Every table, children after their parents (dropped in reverse order). */
const tablesFor = (c: SchemaColumns) => [...micrologsTables(c), ...telemetryTables(c)];

/**
 * The whole receiver schema: the Micrologs data model and the telemetry tables. One class for
 * the three engines; `SchemaColumns` hides the type differences, and the two statements whose
 * SQL differs are written per dialect here.
 */
export class ReceiverSchema1763800000000 implements MigrationInterface {
  name = 'ReceiverSchema1763800000000';

  async up(runner: QueryRunner): Promise<void> {
    const dialect = engineOf(runner);
    for (const table of tablesFor(new SchemaColumns(dialect))) {
      await runner.createTable(table, false, true, true);
    }
    if (dialect === 'mysql') {
      // MySQL/MariaDB cannot index a 2048-char utf8mb4 column whole, nor (on older versions) an
      // expression: a prefix index for URLs and a stored lower-case copy for link codes.
      await runner.query(
        'CREATE INDEX ix_pageviews_project_url ON pageviews (project_id, url(191))',
      );
      await runner.query(
        'ALTER TABLE tracked_links ADD COLUMN code_ci VARCHAR(12) AS (LOWER(code)) STORED',
      );
      await runner.query('CREATE UNIQUE INDEX uq_tracked_links_code_ci ON tracked_links (code_ci)');
    } else {
      await runner.query('CREATE INDEX ix_pageviews_project_url ON pageviews (project_id, url)');
      await runner.query(
        'CREATE UNIQUE INDEX uq_tracked_links_code_ci ON tracked_links (LOWER(code))',
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    // Plain DROP TABLE, children first: TypeORM's dropTable() inspects MySQL generated columns
    // through its typeorm_metadata table, which this schema never needs.
    const tables = tablesFor(new SchemaColumns(engineOf(runner))).reverse();
    for (const table of tables) await runner.query(`DROP TABLE IF EXISTS ${table.name}`);
  }
}
