import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { EXACT_COLLATIONS } from './1764800000000-exact-labels';

/**
 * A session token is the snippet's (or any client's) text, one session per exact token, as on
 * SQLite and PostgreSQL. MariaDB's and MySQL's default collations compare `Tab-1` and `tab-1`
 * equal: the second token's insert met the first one's row, the ingest read it back under the
 * other spelling, and the pageview was refused (400 inline, dropped from a Redis queue). Here
 * the column gets the binary no-pad collation of the label columns ({@link ExactLabels1764800000000}).
 * Rows already stored stay as they are.
 */
export class ExactSessionTokens1765010000000 implements MigrationInterface {
  name = 'ExactSessionTokens1765010000000';

  async up(runner: QueryRunner): Promise<void> {
    if (engineOf(runner) !== 'mysql') return;
    const available = await runner.query(
      `SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map((c) => `'${c}'`).join(', ')})`,
    );
    const names = new Set(available.map((row: { Collation: string }) => row.Collation));
    const collation = EXACT_COLLATIONS.find((c) => names.has(c)) ?? 'utf8mb4_bin';
    await this.alter(runner, `CHARACTER SET utf8mb4 COLLATE ${collation}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    if (engineOf(runner) !== 'mysql') return;
    // Back to the database's default collation, as the column was created.
    const [{ charset, collation }] = await runner.query(
      'SELECT @@character_set_database AS charset, @@collation_database AS collation',
    );
    await this.alter(runner, `CHARACTER SET ${charset} COLLATE ${collation}`);
  }

  private async alter(runner: QueryRunner, collation: string): Promise<void> {
    await runner.query(
      `ALTER TABLE \`sessions\` MODIFY \`session_token\` varchar(64) ${collation} NOT NULL`,
    );
  }
}
