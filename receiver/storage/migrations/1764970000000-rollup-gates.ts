import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { cascade } from './micrologs.tables';
import { SchemaColumns } from './schema-columns';

/**
 * The rollups' day gates: one row per project and local day, which the ingest and the erasure
 * lock shared before they add deltas to that day's rollups and which a recomputation of the day
 * (rebuild, purge, import) locks alone before it reads the raw rows, so the two never interleave
 * (see `RollupGatesRepository.enterDays`). Rows are created on first use; nothing to fill.
 */
export class RollupGates1764970000000 implements MigrationInterface {
  name = 'RollupGates1764970000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.createTable(
      new Table({
        name: 'analytics_rollup_gates',
        columns: [
          { ...c.int('project_id'), isPrimary: true },
          { ...c.string('day', 10), isPrimary: true },
        ],
        foreignKeys: [cascade('project_id', 'projects')],
      }),
      false,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('analytics_rollup_gates');
  }
}
