/**
 * A link deleted while a rollup recomputation of one of its click days runs on another
 * connection, in both orders: the deletion holds its transaction open when the rebuild reaches
 * the day, or the day's recomputation holds its own when the deletion starts. Once both
 * committed, the link must have no rollup rows and no clickers left, and the rollups must hold
 * exactly what a rebuild from scratch writes. PostgreSQL and MariaDB only: SQLite runs one
 * writing transaction at a time, so the two cannot interleave there.
 */
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { addDays, localDateOf, startOfLocalDay } from '../../receiver/common/time/zoned-time.util';
import { IngestBatchProcessor } from '../../receiver/ingest';
import { LinksService } from '../../receiver/links/links.service';
import { RollupMaintenance } from '../../receiver/rollups/rollup-maintenance.service';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RollupGatesRepository } from '../../receiver/rollups/rollup-gates.repository';
import { recomputedGates } from '../../receiver/rollups/rollup-weeks';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { createProject } from './analytics-fixtures';
import { storedRollups } from './stored-rollups';
import { eventually } from '../support/eventually';
import { lockWaits } from '../support/lock-waits';
import { useReceiverApp } from '../support/receiver-app';
import { availableEngines, type EngineName } from '../support/services';
import { clickJob, deleteLinkIn, saveLink, storedOfLink } from '../links/link-fixtures';

const ZONE = 'Europe/Paris';
const HOUR_MS = 3_600_000;

const engines = availableEngines().filter((engine) => engine !== 'sqlite');

(engines.length > 0 ? describe.each(engines) : describe.skip.each<EngineName>(['postgres']))(
  'a link deleted while a rollup recomputation runs [%s]',
  (engine) => {
    const receiver = useReceiverApp({ adapter: 'fastify', engine, options: { timezone: ZONE } });
    let ds: DataSource;

    beforeAll(() => {
      ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    });

    /** A project with two links, each clicked on `day` by two addresses; `doomed` is deleted. */
    async function seed(day: string) {
      const { id: projectId } = await createProject(receiver, 'Links');
      const doomed = await saveLink(ds, projectId, 'doomed');
      const kept = await saveLink(ds, projectId, 'kept');
      const at = (hour: number) => new Date(startOfLocalDay(day, ZONE) + hour * HOUR_MS);
      const jobs = [
        clickJob(doomed, 'a', at(9)),
        clickJob(doomed, 'b', at(10)),
        clickJob(kept, 'a', at(11)),
        clickJob(kept, 'c', at(12)),
      ];
      const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
      expect(results.filter(Boolean)).toEqual([]);
      return { projectId, doomed, kept };
    }

    /** The rollups as they are, and as a rebuild from nothing but the raw rows writes them. */
    async function actualAndFromScratch() {
      const actual = await storedRollups(ds);
      const report = await receiver.app.get(RollupRebuildService).rebuild();
      expect(report.resumed).toBe(false);
      return { actual, fromScratch: await storedRollups(ds) };
    }

    /** Runs `first` on a second connection, starts `second` meanwhile, then commits `first`. */
    async function overlap(
      first: (manager: EntityManager) => Promise<void>,
      second: () => Promise<unknown>,
    ): Promise<void> {
      const blocker: QueryRunner = ds.createQueryRunner();
      let running: Promise<unknown> | undefined;
      try {
        await blocker.connect();
        await blocker.startTransaction();
        await first(blocker.manager);
        let settled = false;
        running = second().finally(() => (settled = true));
        await eventually(
          () => lockWaits(ds),
          (n) => n > 0 || settled,
        );
        await blocker.commitTransaction();
        await running;
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
        await running?.catch(() => undefined);
      }
    }

    it('leaves no row of the link when the rebuild reaches its day while the deletion is open', async () => {
      const day = addDays(localDateOf(Date.now(), ZONE), -9);
      const { doomed } = await seed(day);
      expect((await storedOfLink(ds, doomed)).rows).toBeGreaterThan(0);
      // As if a rebuild had stopped after the day before: it resumes at `day`.
      await new RollupGatesRepository(new SqlRunner(ds)).setState({
        timeZone: ZONE,
        status: 'building',
        builtThrough: addDays(day, -1),
      });
      await overlap(
        (manager) => deleteLinkIn(receiver.app, manager, doomed),
        () => receiver.app.get(RollupRebuildService).rebuild(),
      );
      expect(await storedOfLink(ds, doomed)).toEqual({ clicks: 0, rows: 0, clickers: 0 });
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
    });

    it('leaves no row of the link when the deletion starts while its day is recomputed', async () => {
      const day = addDays(localDateOf(Date.now(), ZONE), -16);
      const { projectId, doomed } = await seed(day);
      // The rebuild's transaction of one day (RollupRebuildService.rebuildDay), held open.
      const recompute = async (manager: EntityManager) => {
        const gates = new RollupGatesRepository(new SqlRunner(manager));
        await gates.enterDays(recomputedGates([projectId], [day]), true);
        await receiver.app.get(RollupMaintenance).recomputeDay(manager, day, projectId);
      };
      await overlap(recompute, () => receiver.app.get(LinksService).delete(doomed));
      expect(await storedOfLink(ds, doomed)).toEqual({ clicks: 0, rows: 0, clickers: 0 });
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
    });
  },
);
