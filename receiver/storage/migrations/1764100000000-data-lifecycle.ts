import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { index } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/** Per-project retention columns, in the order of `RETENTION_KINDS`. */
const RETENTION_COLUMNS = [
  'retention_pageviews_days',
  'retention_errors_days',
  'retention_audit_days',
  'retention_clicks_days',
  'retention_telemetry_days',
];

/**
 * Data lifecycle: each project's retention periods (nullable: the receiver's default applies),
 * the lease that lets one receiver at a time purge a shared database, and an index that lets the
 * purge find a project's old telemetry samples without scanning every host's series.
 */
export class DataLifecycle1764100000000 implements MigrationInterface {
  name = 'DataLifecycle1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.addColumns(
      'projects',
      RETENTION_COLUMNS.map((name) => new TableColumn(c.int(name, { nullable: true }))),
    );
    await runner.createTable(
      new Table({
        name: 'lifecycle_leases',
        columns: [
          { ...c.string('name', 64), isPrimary: true },
          c.string('holder', 64),
          c.time('expires_at'),
        ],
      }),
      false,
    );
    await runner.createIndex(
      'telemetry_samples',
      index('ix_telemetry_samples_project_collected', ['project_id', 'collected_at']),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('telemetry_samples', 'ix_telemetry_samples_project_collected');
    await runner.dropTable('lifecycle_leases');
    for (const name of [...RETENTION_COLUMNS].reverse()) await runner.dropColumn('projects', name);
  }
}
