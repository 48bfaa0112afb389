import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { cascade } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * Long member lists of the rollups in segments (see `receiver/rollups/member-segments.ts`): each
 * rollup row gains `segments`, the first ids of its segments beyond the one in `members`, and the
 * segments get their table, keyed by the row's key and their first id. Nothing to fill: a row
 * stored whole is split the first time the ingest adds to it, and reads join what they find. The
 * column is added by a plain `ALTER TABLE … ADD COLUMN` (nullable, at the end), which every engine
 * does without copying the table (TypeORM's `addColumn` rebuilds SQLite tables).
 */
export class RollupSegments1764990000000 implements MigrationInterface {
  name = 'RollupSegments1764990000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.query(
      `ALTER TABLE analytics_rollups ADD COLUMN segments ${c.blob('segments').type}`,
    );
    await runner.createTable(
      new Table({
        name: 'analytics_rollup_segments',
        columns: [
          { ...c.int('project_id'), isPrimary: true },
          { ...c.string('dimension', 16), isPrimary: true },
          { ...c.string('day', 10), isPrimary: true },
          { ...c.string('value_key', 64), isPrimary: true },
          { ...c.int('first_id', { big: true }), isPrimary: true },
          c.blob('members'),
        ],
        foreignKeys: [cascade('project_id', 'projects')],
      }),
      false,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('analytics_rollup_segments');
    await runner.query('ALTER TABLE analytics_rollups DROP COLUMN segments');
  }
}
