/**
 * The 5-minute pageview dedup (contract 3.3) inside one batch of the queue: a worker draining a
 * backlog gets events received hours apart in one batch, and each event is compared with the
 * views of the 5 minutes before its own arrival, not with the batch as a whole.
 */
import { IngestBatchProcessor, type IngestJob, newEventId } from '../../receiver/ingest';
import { PageviewEntity } from '../../receiver/storage/entities';
import { PAGEVIEW_JOB } from '../../receiver/tracking';
import { describeEachEngine } from '../support/services';
import { useReceiverApp } from '../support/receiver-app';
import { createProject, dataSourceOf, pageviewJob } from '../tracking/tracking-fixtures';

/** Seconds in a minute: the views are placed in seconds after `start`. */
const M = 60;

describeEachEngine('pageview dedup across a batch spanning hours', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  /** A whole second two days ago (MariaDB stores whole seconds). */
  const start = Math.floor(Date.now() / 1000) * 1000 - 2 * 24 * 60 * M * 1000;

  /** A pageview of `url` by the project's one visitor, received `seconds` after `start`. */
  const view = (projectId: number, seconds: number, url: string): IngestJob => ({
    id: newEventId(),
    kind: PAGEVIEW_JOB,
    payload: pageviewJob(projectId, { receivedAt: start + seconds * 1000, url }),
  });

  /** Seconds after `start` of the stored pageviews of a URL, in order. */
  const stored = async (projectId: number, url: string): Promise<number[]> => {
    const rows = await dataSourceOf(receiver.app)
      .getRepository(PageviewEntity)
      .find({ where: { project_id: projectId, url }, order: { created_at: 'ASC' } });
    return rows.map((row) => (row.created_at.getTime() - start) / 1000);
  };

  const ingest = async (jobs: IngestJob[]): Promise<void> => {
    const results = await receiver.app.get(IngestBatchProcessor).process(jobs);
    expect(results).toEqual(jobs.map(() => undefined));
  };

  it('keeps a second view of a URL two hours later in the same batch, and drops a repeat within 5 minutes of each', async () => {
    const { id } = await createProject(receiver.app);
    const home = 'https://shop.example.com/';
    // Out of arrival order on purpose: the queue does not promise it.
    await ingest([
      view(id, 120 * M, home),
      view(id, 0, home),
      view(id, 3 * M, home),
      view(id, 124 * M, home),
      view(id, 131 * M, home),
    ]);
    // 3 min after 0 and 124 after 120 are repeats; 131 is 11 min after the last kept view.
    expect(await stored(id, home)).toEqual([0, 120 * M, 131 * M]);
  });

  it('compares with stored views only up to the event, from exactly 5 minutes before it', async () => {
    const { id } = await createProject(receiver.app);
    const page = 'https://shop.example.com/cart';
    await ingest([view(id, 0, page), view(id, 60 * M, page)]);
    expect(await stored(id, page)).toEqual([0, 60 * M]);
    // 5 min after a stored view is still within it (the window's bounds count); 61 min is 1 min
    // after the stored view at 60; 30 min is 30 after the one at 0 (the later one does not count).
    await ingest([view(id, 5 * M, page), view(id, 30 * M, page), view(id, 61 * M, page)]);
    expect(await stored(id, page)).toEqual([0, 30 * M, 60 * M]);
    // 5 min and 1 s after the stored view at 60: a new view.
    await ingest([view(id, 65 * M + 1, page)]);
    expect(await stored(id, page)).toEqual([0, 30 * M, 60 * M, 65 * M + 1]);
  });
});
