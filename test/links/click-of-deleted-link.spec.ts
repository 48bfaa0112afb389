/**
 * A click accepted for a link that is deleted before the click is written: late (a queue's
 * backlog drained after the deletion) on every engine, and at the same moment (the deletion's
 * transaction open while the click batch runs) on PostgreSQL and MariaDB. The deletion promises
 * that the link's clicks and analytics go with it: no click, rollup row or clicker of the link
 * may be left, and the other clicks of the batch are stored as usual.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { IngestBatchProcessor, type IngestJob } from '../../receiver/ingest';
import { LinksService } from '../../receiver/links/links.service';
import type { TrackedLinkEntity } from '../../receiver/storage/entities';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { createProject } from '../analytics/analytics-fixtures';
import { eventually } from '../support/eventually';
import { lockWaits } from '../support/lock-waits';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import { clickJob, deleteLinkIn, saveLink, storedOfLink } from './link-fixtures';

describeEachEngine('a click of a link deleted before the click is written', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  let ds: DataSource;

  beforeAll(() => {
    ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
  });

  /** A project with two links: `doomed` is deleted, `kept` is not. */
  async function seed() {
    const { id: projectId } = await createProject(receiver, 'Links');
    return {
      doomed: await saveLink(ds, projectId, 'doomed'),
      kept: await saveLink(ds, projectId, 'kept'),
    };
  }

  const ingest = async (jobs: IngestJob[]): Promise<void> => {
    const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
    expect(results).toEqual(jobs.map(() => undefined));
  };

  const storedOf = (link: TrackedLinkEntity) => storedOfLink(ds, link);

  it('drops a click drained after its link was deleted, and stores the others of the batch', async () => {
    const { doomed, kept } = await seed();
    await receiver.app.get(LinksService).delete(doomed);
    await ingest([clickJob(doomed, 'a'), clickJob(kept, 'a'), clickJob(doomed, 'b')]);
    expect(await storedOf(doomed)).toEqual({ clicks: 0, rows: 0, clickers: 0 });
    expect((await storedOf(kept)).clicks).toBe(1);
    expect((await storedOf(kept)).rows).toBeGreaterThan(0);
  });

  if (engine === 'sqlite') return; // one writing transaction at a time: nothing to interleave

  it('leaves nothing of the link when its deletion is open while the click batch runs', async () => {
    const { doomed, kept } = await seed();
    await ingest([clickJob(doomed, 'a')]); // the link has rows to delete
    // LinksRepository.delete's transaction, held open on a second connection.
    const deletion: QueryRunner = ds.createQueryRunner();
    let batch: Promise<void> | undefined;
    try {
      await deletion.connect();
      await deletion.startTransaction();
      await deleteLinkIn(receiver.app, deletion.manager, doomed);
      let settled = false;
      batch = ingest([clickJob(doomed, 'b'), clickJob(kept, 'c')]).finally(() => (settled = true));
      await eventually(
        () => lockWaits(ds),
        (n) => n > 0 || settled,
      );
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
