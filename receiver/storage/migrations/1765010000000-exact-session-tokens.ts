import type { MigrationInterface, QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { defaultCollation, exactCollation } from './exact-collation';

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
    if (engineOf(runner) === 'mysql') await this.alter(runner, await exactCollation(runner));
  }

  async down(runner: QueryRunner): Promise<void> {
    if (engineOf(runner) === 'mysql') await this.alter(runner, await defaultCollation(runner));
  }

  private async alter(runner: QueryRunner, collation: string): Promise<void> {
    await runner.query(
      `ALTER TABLE \`sessions\` MODIFY \`session_token\` varchar(64) ${collation} NOT NULL`,
    );
  }
}
