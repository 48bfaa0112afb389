import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf, sqlDialect } from '../sql/sql-dialect';

/** The rollups' index led by the group (see `SqlDialect.rollupGroupIndex`). */
const ROLLUP_GROUP_INDEX = 'ix_analytics_rollups_group';

/**
 * On the engines whose dialect reads some groups of a window through it (PostgreSQL), an index
 * `(project_id, dimension, value_key, day)` on the rollups: a breakdown's unique counts read a
 * few groups' member lists over a month, one short range per group.
 */
export class RollupGroupIndex1764860000000 implements MigrationInterface {
  name = 'RollupGroupIndex1764860000000';

  async up(runner: QueryRunner): Promise<void> {
    if (!sqlDialect(engineOf(runner)).rollupGroupIndex) return;
    await runner.createIndex(
      'analytics_rollups',
      new TableIndex({
        name: ROLLUP_GROUP_INDEX,
        columnNames: ['project_id', 'dimension', 'value_key', 'day'],
      }),
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    if (!sqlDialect(engineOf(runner)).rollupGroupIndex) return;
    await runner.dropIndex('analytics_rollups', ROLLUP_GROUP_INDEX);
  }
}
