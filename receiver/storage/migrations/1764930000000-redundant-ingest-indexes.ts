import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Two indexes every ingest batch paid for and no query needed: `ix_pageviews_project_created`
 * `(project_id, created_at)` is the prefix of `ix_pageviews_project_created_visitor`, and
 * `ix_sessions_project_started` `(project_id, started_at)` the prefix of
 * `ix_sessions_project_started_cover`; each query seeking the short one seeks the long one as
 * well (and reads more of its columns from it). Every pageview wrote a page of each at a place of
 * its own: on SQLite 2.2 of the 65 WAL pages a batch of 10 pageviews wrote. No foreign key rests
 * on either (MariaDB keeps `sessions.project_id`'s on `uq_sessions_project_token`).
 */
export class RedundantIngestIndexes1764930000000 implements MigrationInterface {
  name = 'RedundantIngestIndexes1764930000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('pageviews', 'ix_pageviews_project_created');
    await runner.dropIndex('sessions', 'ix_sessions_project_started');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.createIndex(
      'sessions',
      new TableIndex({
        name: 'ix_sessions_project_started',
        columnNames: ['project_id', 'started_at'],
      }),
    );
    await runner.createIndex(
      'pageviews',
      new TableIndex({
        name: 'ix_pageviews_project_created',
        columnNames: ['project_id', 'created_at'],
      }),
    );
  }
}
