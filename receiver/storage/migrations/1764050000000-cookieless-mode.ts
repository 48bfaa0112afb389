import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { SchemaColumns } from './schema-columns';

/**
 * Cookieless mode: the per-project switch (`projects.cookieless`, off for existing projects) and
 * the table of daily salts the receiver processes share.
 */
export class CookielessMode1764050000000 implements MigrationInterface {
  name = 'CookielessMode1764050000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.addColumn('projects', new TableColumn(c.bool('cookieless', false)));
    await runner.createTable(
      new Table({
        name: 'visitor_salts',
        columns: [
          { ...c.string('day', 10), isPrimary: true },
          c.string('salt', 64),
          c.time('created_at'),
        ],
      }),
      false,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS visitor_salts');
    await runner.dropColumn('projects', 'cookieless');
  }
}
