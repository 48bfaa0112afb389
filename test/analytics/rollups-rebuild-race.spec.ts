/**
 * A rebuild recomputing a day while an ingest batch stores into the same day (or into another
 * day of its week, whose week rows the rebuild derives again) on a second connection: the batch
 * has merged its deltas and not committed when the resumed rebuild reaches the day, and commits
 * while the rebuild waits. The rollups must then hold exactly what a rebuild from scratch writes
 * (the batch's pageview neither lost nor counted twice). PostgreSQL and MariaDB only: SQLite runs
 * one writing transaction at a time (`BEGIN IMMEDIATE`), so the two cannot interleave there.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { addDays, localDateOf, startOfLocalDay } from '../../receiver/common/time/zoned-time.util';
import {
  IngestBatchProcessor,
  IngestHandlerRegistry,
  newEventId,
  type IngestEvent,
} from '../../receiver/ingest';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RollupGatesRepository } from '../../receiver/rollups/rollup-gates.repository';
import { weekOf } from '../../receiver/rollups/rollup-weeks';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import type { PageviewJob } from '../../receiver/tracking/interfaces/tracking-jobs.interface';
import { PAGEVIEW_JOB } from '../../receiver/tracking/tracking.constants';
import { createProject } from './analytics-fixtures';
import { pageviewJob } from '../tracking/tracking-fixtures';
import { storedRollups } from './stored-rollups';
import { eventually } from '../support/eventually';
import { lockWaits } from '../support/lock-waits';
import { useReceiverApp } from '../support/receiver-app';
import { availableEngines, type EngineName } from '../support/services';

const ZONE = 'Europe/Paris';
const HOUR_MS = 3_600_000;

const engines = availableEngines().filter((engine) => engine !== 'sqlite');

/**
 * A pageview of `page` at `hour` (local) of `day`, by visitor `visitor`. (A batch keeps one
 * pageview per visitor and URL, so each visitor views a page once here.)
 */
function pageview(projectId: number, day: string, hour: number, page: string, visitor: string) {
  return pageviewJob(projectId, {
    receivedAt: startOfLocalDay(day, ZONE) + hour * HOUR_MS,
    url: `https://site.test${page}`,
    pageTitle: page,
    visitorHash: visitor.padEnd(64, '0'),
    sessionToken: `${visitor}-${day}`,
    geo: { country: 'France', countryCode: 'FR', region: '', city: '' },
  });
}

(engines.length > 0 ? describe.each(engines) : describe.skip.each<EngineName>(['postgres']))(
  'a rollup rebuild racing an ingest batch [%s]',
  (engine) => {
    const receiver = useReceiverApp({ adapter: 'fastify', engine, options: { timezone: ZONE } });
    let ds: DataSource;

    beforeAll(() => {
      ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    });

    /** Every stored rollup row, whole member lists as hex. */
    const stored = () => storedRollups(ds);

    /**
     * Ingests `base`, then: a batch on a second connection stores `late` (merging its deltas
     * into rows the base made) and holds its transaction open; the rebuild, resumed at `day`,
     * starts and has to wait; the batch commits; the rebuild ends. Returns whether it waited.
     */
    async function race(base: PageviewJob[], late: PageviewJob, day: string): Promise<boolean> {
      const processor = receiver.app.get(IngestBatchProcessor);
      const results = await processor.process(
        base.map((payload) => ({ id: newEventId(), kind: PAGEVIEW_JOB, payload })),
      );
      expect(results.filter(Boolean)).toEqual([]);
      // As if a rebuild had stopped after the day before: it resumes at `day`.
      await new RollupGatesRepository(new SqlRunner(ds)).setState({
        timeZone: ZONE,
        status: 'building',
        builtThrough: addDays(day, -1),
      });
      const blocker: QueryRunner = ds.createQueryRunner();
      const afterCommit: Array<() => void | Promise<void>> = [];
      let rebuilt: Promise<unknown> | undefined;
      let settled = false;
      try {
        await blocker.connect();
        await blocker.startTransaction();
        const events: IngestEvent<PageviewJob>[] = [{ ...late, eventId: newEventId() }];
        await receiver.app
          .get(IngestHandlerRegistry)
          .get(PAGEVIEW_JOB)
          .handle(events, {
            manager: blocker.manager,
            afterCommit: (task) => afterCommit.push(task),
          });
        rebuilt = receiver.app
          .get(RollupRebuildService)
          .rebuild()
          .finally(() => (settled = true));
        const waits = await eventually(
          () => lockWaits(ds),
          (n) => n > 0 || settled,
        );
        const waited = waits > 0 && !settled;
        await blocker.commitTransaction();
        for (const task of afterCommit) await task();
        const report = (await rebuilt) as { resumed: boolean; from: string | null };
        expect(report).toMatchObject({ resumed: true, from: day });
        return waited;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
        await rebuilt?.catch(() => undefined);
      }
    }

    /** The rollups as they are, and as a rebuild from nothing but the raw rows writes them. */
    async function actualAndFromScratch() {
      const actual = await stored();
      const report = await receiver.app.get(RollupRebuildService).rebuild();
      expect(report.resumed).toBe(false);
      return { actual, fromScratch: await stored() };
    }

    it('counts a pageview stored into the day the rebuild recomputes exactly once', async () => {
      const { id } = await createProject(receiver, 'Same day');
      const today = localDateOf(Date.now(), ZONE);
      const day = addDays(today, -9);
      const base = [
        pageview(id, day, 9, '/a', 'v1'),
        pageview(id, day, 10, '/b', 'v2'),
        pageview(id, addDays(day, 1), 11, '/a', 'v4'),
      ];
      // A new visitor's pageview of a stored page: the day's total and page rows take its delta.
      const waited = await race(base, pageview(id, day, 12, '/a', 'v3'), day);
      expect(waited).toBe(true);
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
      const total = fromScratch.find(
        (row) => row.project_id === id && row.day === day && row.dimension === 'total',
      );
      expect(total?.pageviews).toBe(3);
    });

    it('keeps a pageview stored into another day of the week the rebuild derives', async () => {
      const { id } = await createProject(receiver, 'Same week');
      const today = localDateOf(Date.now(), ZONE);
      // The Sunday of last week is rebuilt; the batch stores into its Wednesday. No later day of
      // that week holds pageviews, so nothing after the rebuilt day derives the week again.
      const sunday = addDays(weekOf(today), -1);
      const wednesday = addDays(sunday, -4);
      const base = [
        pageview(id, wednesday, 9, '/a', 'v1'),
        pageview(id, wednesday, 10, '/b', 'v2'),
        pageview(id, sunday, 11, '/a', 'v5'),
        pageview(id, today, 0, '/a', 'v4'),
      ];
      const waited = await race(base, pageview(id, wednesday, 12, '/a', 'v3'), sunday);
      expect(waited).toBe(true);
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
      const week = fromScratch.filter(
        (row) => row.project_id === id && row.dimension === 'page/wk' && row.day === weekOf(sunday),
      );
      expect(week.map((row) => row.pageviews).sort()).toEqual([1, 3]);
    });
  },
);
