import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { defaultCollation, exactCollation } from './exact-collation';

/** A label column as created by the earlier migrations (MySQL `MODIFY` restates all of it). */
type LabelColumn = [name: string, length: number, defaultValue?: string];

/**
 * The text columns analytics group, count and match by: labels of pages, referrers, campaigns,
 * devices, places, rollup rows and audit actions. Enumerations written by the receiver itself
 * (referrer categories, severities) and hex digests are left as they are.
 */
const LABEL_COLUMNS: Record<string, LabelColumn[]> = {
  pageviews: [
    ['url', 2048],
    ['page_title', 512, ''],
    ['referrer_url', 2048, ''],
    ['utm_source', 255, ''],
    ['utm_medium', 255, ''],
    ['utm_campaign', 255, ''],
  ],
  devices: [
    ['device_type', 10, 'unknown'],
    ['os', 50, ''],
    ['browser', 50, ''],
    ['browser_version', 20, ''],
  ],
  locations: [
    ['country', 100, ''],
    ['country_code', 2, ''],
    ['region', 100, ''],
    ['city', 100, ''],
  ],
  analytics_rollups: [
    ['label_a', 2048, ''],
    ['label_b', 512, ''],
    ['label_c', 255, ''],
    ['label_d', 255, ''],
  ],
  audit_logs: [
    ['action', 100],
    ['actor', 255, ''],
  ],
};

/**
 * Labels are one value when their text is identical, on every engine: `Café`, `cafe` and `CAFE `
 * are three pages, as on SQLite and PostgreSQL. MariaDB's and MySQL's default collations compare
 * them equal (case, accents, trailing spaces), so a raw `GROUP BY` merged them under whichever
 * spelling it met first, while the rollups, keyed by the exact text, kept them apart — and the
 * ingest, reading back a device or place it had just inserted by its exact text, missed the row
 * a differently spelled one had taken. Here the label columns get a binary no-pad collation.
 * Columns outside every index change in place without copying the table (MariaDB ≥ 10.6); the
 * indexed ones belong to small tables (devices, places) and audit logs. Rows already stored stay
 * as they are: devices and places merged before keep serving both the raw reads and the rollups.
 */
export class ExactLabels1764800000000 implements MigrationInterface {
  name = 'ExactLabels1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    if (engineOf(runner) === 'mysql') await this.alter(runner, await exactCollation(runner));
  }

  async down(runner: QueryRunner): Promise<void> {
    if (engineOf(runner) === 'mysql') await this.alter(runner, await defaultCollation(runner));
  }

  private async alter(runner: QueryRunner, collation: string): Promise<void> {
    for (const [table, columns] of Object.entries(LABEL_COLUMNS)) {
      const changes = columns.map(
        ([name, length, defaultValue]) =>
          `MODIFY \`${name}\` varchar(${length}) ${collation} NOT NULL` +
          (defaultValue === undefined ? '' : ` DEFAULT '${defaultValue}'`),
      );
      await runner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
    }
  }
}
