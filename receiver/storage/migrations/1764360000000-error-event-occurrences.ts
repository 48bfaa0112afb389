import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { SchemaColumns } from './schema-columns';

/**
 * `error_events.occurrences`: how many times the event's error happened. A client that coalesces
 * a burst of one error sends it once with its count; the row keeps that count, so the group's
 * `occurrence_count` and the analytics (sums of it) stay equal to what happened, and erasing or
 * purging the row lowers the group by the same amount. Existing rows are single events (1).
 */
export class ErrorEventOccurrences1764360000000 implements MigrationInterface {
  name = 'ErrorEventOccurrences1764360000000';

  async up(runner: QueryRunner): Promise<void> {
    const c = new SchemaColumns(engineOf(runner));
    await runner.addColumn('error_events', new TableColumn(c.int('occurrences', { default: 1 })));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropColumn('error_events', 'occurrences');
  }
}
