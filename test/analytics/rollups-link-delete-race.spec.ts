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
import { IngestBatchProcessor, newEventId } from '../../receiver/ingest';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import { LinksService } from '../../receiver/links/links.service';
import { linkDimensions, linkKey, LINK } from '../../receiver/rollups/link-click.facts';
import { RollupMaintenance } from '../../receiver/rollups/rollup-maintenance.service';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RollupRepository } from '../../receiver/rollups/rollup.repository';
import { recomputedGates } from '../../receiver/rollups/rollup-weeks';
import { LinkClickEntity, TrackedLinkEntity } from '../../receiver/storage/entities';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { createProject } from './analytics-fixtures';
import { storedRollups } from './stored-rollups';
import { eventually } from '../support/eventually';
import { useReceiverApp } from '../support/receiver-app';
import { availableEngines, type EngineName } from '../support/services';

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

    /** Sessions of this database waiting for a lock another one holds. */
    const lockWaits = async (): Promise<number> => {
      const [{ n }] = await ds.query(
        engine === 'postgres'
          ? `SELECT COUNT(*) AS n FROM pg_stat_activity ` +
              `WHERE datname = current_database() AND wait_event_type = 'Lock'`
          : `SELECT COUNT(*) AS n FROM information_schema.innodb_trx t ` +
              `JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id ` +
              `WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()`,
      );
      return Number(n);
    };

    /** A project with two links, each clicked on `day` by two addresses; `doomed` is deleted. */
    async function seed(day: string) {
      const { id: projectId } = await createProject(receiver, 'Links');
      const links = ds.getRepository(TrackedLinkEntity);
      const link = (code: string) =>
        links.save({
          project_id: projectId,
          code: `${code}${projectId}`,
          destination_url: 'https://site.test/',
          label: '',
          is_active: true,
          created_at: new Date(),
        });
      const doomed = await link('doomed');
      const kept = await link('kept');
      const click = (linkId: number, hour: number, ip: string): ClickJob => ({
        linkId,
        projectId,
        referrerUrl: '',
        referrerCategory: 'direct',
        ipHash: ip.padEnd(64, '0'),
        device: { deviceType: 'desktop', os: 'Linux', browser: 'Firefox', browserVersion: '120' },
        geo: { country: 'France', countryCode: 'FR', region: '', city: '' },
        clickedAt: new Date(startOfLocalDay(day, ZONE) + hour * HOUR_MS).toISOString(),
      });
      const jobs = [
        click(doomed.id, 9, 'a'),
        click(doomed.id, 10, 'b'),
        click(kept.id, 11, 'a'),
        click(kept.id, 12, 'c'),
      ].map((payload) => ({ id: newEventId(), kind: CLICK_JOB, payload }));
      const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
      expect(results.filter(Boolean)).toEqual([]);
      return { projectId, doomed, kept };
    }

    /** What LinksRepository.delete does, on a transaction the test holds open. */
    async function deleteLink(manager: EntityManager, link: TrackedLinkEntity): Promise<void> {
      await receiver.app.get(RollupMaintenance).forgetLink(manager, link.project_id, link.id);
      await manager.delete(LinkClickEntity, { link_id: link.id });
      await manager.delete(TrackedLinkEntity, { id: link.id });
    }

    /** The deleted link's rollup rows and clickers left. */
    async function leftOf(link: TrackedLinkEntity) {
      const dimensions = linkDimensions(link.id).slice(1);
      const rows = (await storedRollups(ds)).filter(
        (row) =>
          (row.dimension === LINK && row.value_key === linkKey(link.id)) ||
          dimensions.includes(row.dimension as string),
      );
      const [{ n }] = await ds.query(
        `SELECT COUNT(*) AS n FROM link_clickers WHERE link_id = ${Number(link.id)}`,
      );
      return { rows: rows.length, clickers: Number(n) };
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
        await eventually(lockWaits, (n) => n > 0 || settled);
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
      expect((await leftOf(doomed)).rows).toBeGreaterThan(0);
      // As if a rebuild had stopped after the day before: it resumes at `day`.
      await new RollupRepository(new SqlRunner(ds)).setState({
        timeZone: ZONE,
        status: 'building',
        builtThrough: addDays(day, -1),
      });
      await overlap(
        (manager) => deleteLink(manager, doomed),
        () => receiver.app.get(RollupRebuildService).rebuild(),
      );
      expect(await leftOf(doomed)).toEqual({ rows: 0, clickers: 0 });
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
    });

    it('leaves no row of the link when the deletion starts while its day is recomputed', async () => {
      const day = addDays(localDateOf(Date.now(), ZONE), -16);
      const { projectId, doomed } = await seed(day);
      // The rebuild's transaction of one day (RollupRebuildService.rebuildDay), held open.
      const recompute = async (manager: EntityManager) => {
        const repository = new RollupRepository(new SqlRunner(manager));
        await repository.enterDays(recomputedGates([projectId], [day]), true);
        await receiver.app.get(RollupMaintenance).recomputeDay(manager, day, projectId);
      };
      await overlap(recompute, () => receiver.app.get(LinksService).delete(doomed));
      expect(await leftOf(doomed)).toEqual({ rows: 0, clickers: 0 });
      const { actual, fromScratch } = await actualAndFromScratch();
      expect(actual).toEqual(fromScratch);
    });
  },
);
