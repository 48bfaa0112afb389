/**
 * A day with more rollup rows than one statement takes (1,500 pages, one visitor each, lists cut
 * in segments of 3 ids): the ingest writes it in several statements, the rebuild recomputes it
 * in chunks of 1,000 rows, and both give the same rows. On SQLite, a condition with one `OR` per
 * row made the rebuild fail ("Expression tree is too large") on any day of 1,000 rows or more.
 */
import type { DataSource } from 'typeorm';
import { IngestBatchProcessor, newEventId } from '../../receiver/ingest';
import { segmentLimits } from '../../receiver/rollups/member-segments';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { createProject } from './analytics-fixtures';
import { pageviewJob } from '../tracking/tracking-fixtures';
import { storedRollups } from './stored-rollups';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';

const ZONE = 'Europe/Paris';
const PAGES = 1_500;
const SEGMENT_IDS = segmentLimits.ids;

describeEachEngine('a day of more rollup rows than one statement takes', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine, options: { timezone: ZONE } });

  afterAll(() => {
    segmentLimits.ids = SEGMENT_IDS;
  });

  it('is written by the ingest and rebuilt with the same rows', async () => {
    segmentLimits.ids = 3;
    const ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    const { id: projectId } = await createProject(receiver, 'Large day');
    const now = Date.now();
    const jobs = Array.from({ length: PAGES }, (_, n) => ({
      id: newEventId(),
      kind: 'pageview',
      payload: pageviewJob(projectId, {
        receivedAt: now - (PAGES - n) * 10,
        url: `https://site.test/page/${n}`,
        pageTitle: `Page ${n}`,
        visitorHash: `v${n}`.padEnd(64, '0'),
        sessionToken: `s${n}`,
      }),
    }));
    const processor = receiver.app.get(IngestBatchProcessor);
    for (let i = 0; i < jobs.length; i += 500) {
      expect((await processor.process(jobs.slice(i, i + 500))).filter(Boolean)).toEqual([]);
    }
    const ingested = await storedRollups(ds);
    // A row per page and day (and week), and the day's total holding every visitor.
    expect(ingested.filter((row) => row.dimension === 'page').length).toBeGreaterThanOrEqual(PAGES);
    const [segments] = await ds.query('SELECT COUNT(*) AS n FROM analytics_rollup_segments');
    expect(Number(segments.n)).toBeGreaterThan(PAGES / 3);

    await receiver.app.get(RollupRebuildService).rebuild();
    expect(await storedRollups(ds)).toEqual(ingested);
  }, 120_000);
});
