import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { engineOf } from '../sql/sql-dialect';
import { index } from './micrologs.tables';

/** Indexes of the Micrologs model no statement reads any more, with their columns (for down). */
const UNREAD = [
  {
    table: 'pageviews',
    name: 'ix_pageviews_project_referrer',
    columns: ['project_id', 'referrer_category', 'created_at'],
  },
  { table: 'pageviews', name: 'ix_pageviews_location', columns: ['project_id', 'location_id'] },
  { table: 'pageviews', name: 'ix_pageviews_device', columns: ['project_id', 'device_id'] },
  {
    table: 'visitors',
    name: 'ix_visitors_project_fingerprint',
    columns: ['project_id', 'fingerprint_hash'],
  },
];

/**
 * Five indexes every ingest batch wrote and no statement reads (`EXPLAIN` of each statement on
 * the three engines: docs/benchmarks.md, "Indexes no statement reads"). The analytics reads
 * whole days from the rollups, and their raw reads of partial days seek
 * `ix_pageviews_project_created_visitor` by `(project_id, created_at)` whatever they group by;
 * the ingest's dedup read seeks `ix_pageviews_visitor`; nothing filters pageviews by URL,
 * referrer category, device or place, nor visitors by fingerprint. `ix_pageviews_project_url`
 * (a page of its own per pageview, at a random place: URLs are unique) is created per engine
 * (MySQL indexes a prefix), so it is dropped and recreated here by SQL. No foreign key rests on
 * any of them (pageviews have none; MariaDB keeps `visitors.project_id`'s on
 * `uq_visitors_project_hash`).
 */
export class UnreadIngestIndexes1765000000000 implements MigrationInterface {
  name = 'UnreadIngestIndexes1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.dropIndex('pageviews', 'ix_pageviews_project_url');
    for (const { table, name } of UNREAD) await runner.dropIndex(table, name);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const { table, name, columns } of [...UNREAD].reverse()) {
      await runner.createIndex(table, index(name, columns));
    }
    const url = engineOf(runner) === 'mysql' ? 'url(191)' : 'url';
    await runner.query(`CREATE INDEX ix_pageviews_project_url ON pageviews (project_id, ${url})`);
  }
}
