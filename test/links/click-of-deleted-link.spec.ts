/**
 * A click accepted for a link that is deleted before the click is written: late (a queue's
 * backlog drained after the deletion) on every engine, and at the same moment (the deletion's
 * transaction open while the click batch runs) on PostgreSQL and MariaDB. The deletion promises
 * that the link's clicks and analytics go with it: no click, rollup row or clicker of the link
 * may be left, and the other clicks of the batch are stored as usual.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { IngestBatchProcessor, type IngestJob, newEventId } from '../../receiver/ingest';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import { LinksService } from '../../receiver/links/links.service';
import { LINK, linkDimensions, linkKey } from '../../receiver/rollups/link-click.facts';
import { RollupMaintenance } from '../../receiver/rollups/rollup-maintenance.service';
import { LinkClickEntity, TrackedLinkEntity } from '../../receiver/storage/entities';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { createProject } from '../analytics/analytics-fixtures';
import { storedRollups } from '../analytics/stored-rollups';
import { eventually } from '../support/eventually';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';

describeEachEngine('a click of a link deleted before the click is written', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  let ds: DataSource;

  beforeAll(() => {
    ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
  });

  /** A project with two links: `doomed` is deleted, `kept` is not. */
  async function seed() {
    const { id: projectId } = await createProject(receiver, 'Links');
    const link = (code: string) =>
      ds.getRepository(TrackedLinkEntity).save({
        project_id: projectId,
        code: `${code}${projectId}`,
        destination_url: 'https://site.test/',
        label: '',
        is_active: true,
        created_at: new Date(),
      });
    return { projectId, doomed: await link('doomed'), kept: await link('kept') };
  }

  const click = (link: TrackedLinkEntity, ip: string): IngestJob => ({
    id: newEventId(),
    kind: CLICK_JOB,
    payload: {
      linkId: link.id,
      projectId: link.project_id,
      referrerUrl: '',
      referrerCategory: 'direct',
      ipHash: ip.padEnd(64, '0'),
      device: { deviceType: 'desktop', os: 'Linux', browser: 'Firefox', browserVersion: '120' },
      geo: { country: 'France', countryCode: 'FR', region: '', city: '' },
      clickedAt: new Date().toISOString(),
    } satisfies ClickJob,
  });

  const ingest = async (jobs: IngestJob[]): Promise<void> => {
    const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
    expect(results).toEqual(jobs.map(() => undefined));
  };

  /** What is stored of a link: its clicks, rollup rows and clickers. */
  async function storedOf(link: TrackedLinkEntity) {
    const breakdowns = linkDimensions(link.id).slice(1);
    const rows = (await storedRollups(ds)).filter(
      (row) =>
        (row.dimension === LINK && row.value_key === linkKey(link.id)) ||
        breakdowns.includes(row.dimension as string),
    );
    const [{ n }] = await ds.query(
      `SELECT COUNT(*) AS n FROM link_clickers WHERE link_id = ${Number(link.id)}`,
    );
    const clicks = await ds.getRepository(LinkClickEntity).count({ where: { link_id: link.id } });
    return { clicks, rows: rows.length, clickers: Number(n) };
  }

  it('drops a click drained after its link was deleted, and stores the others of the batch', async () => {
    const { doomed, kept } = await seed();
    await receiver.app.get(LinksService).delete(doomed);
    await ingest([click(doomed, 'a'), click(kept, 'a'), click(doomed, 'b')]);
    expect(await storedOf(doomed)).toEqual({ clicks: 0, rows: 0, clickers: 0 });
    expect((await storedOf(kept)).clicks).toBe(1);
    expect((await storedOf(kept)).rows).toBeGreaterThan(0);
  });

  if (engine === 'sqlite') return; // one writing transaction at a time: nothing to interleave

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

  it('leaves nothing of the link when its deletion is open while the click batch runs', async () => {
    const { doomed, kept } = await seed();
    await ingest([click(doomed, 'a')]); // the link has rows to delete
    // LinksRepository.delete's transaction, held open on a second connection.
    const deletion: QueryRunner = ds.createQueryRunner();
    let batch: Promise<void> | undefined;
    try {
      await deletion.connect();
      await deletion.startTransaction();
      await deletion.manager.delete(TrackedLinkEntity, { id: doomed.id });
      let settled = false;
      batch = ingest([click(doomed, 'b'), click(kept, 'c')]).finally(() => (settled = true));
      await eventually(lockWaits, (n) => n > 0 || settled);
      // The rest of LinksRepository.delete, in its order.
      await receiver.app
        .get(RollupMaintenance)
        .forgetLink(deletion.manager, doomed.project_id, doomed.id);
      await deletion.manager.delete(LinkClickEntity, { link_id: doomed.id });
      await deletion.commitTransaction();
      await batch;
    } finally {
      if (deletion.isTransactionActive) await deletion.rollbackTransaction();
      await deletion.release();
      await batch?.catch(() => undefined);
    }
    expect(await storedOf(doomed)).toEqual({ clicks: 0, rows: 0, clickers: 0 });
    expect((await storedOf(kept)).clicks).toBe(1);
  });
});
