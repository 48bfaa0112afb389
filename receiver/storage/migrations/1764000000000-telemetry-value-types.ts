import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { SchemaColumns } from './schema-columns';

/**
 * TelemetryModule 1.0 typed values: the type (`gauge`, `counter`, `info`) and unit a collector
 * declared, kept with the latest value of each host and key. Both stay NULL for values reported
 * without a declaration (laravel-telemetry-reporter, 0.x clients, undeclared collectors).
 */
export class TelemetryValueTypes1764000000000 implements MigrationInterface {
  name = 'TelemetryValueTypes1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.addColumns('telemetry_latest', [
      new TableColumn(c.string('value_type', 16, undefined, true)),
      new TableColumn(c.string('unit', 32, undefined, true)),
    ]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('telemetry_latest', 'unit');
    await runner.dropColumn('telemetry_latest', 'value_type');
  }
}
