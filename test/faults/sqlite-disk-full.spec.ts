import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PageviewEntity } from '../../receiver/storage/entities';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { mountSmallDisk, type SmallDisk } from '../support/small-disk';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

/**
 * The disk under a SQLite receiver fills up for a few seconds while pageviews stream in: no 202
 * for an event that was not committed, health says storage is failing while it is, and ingest
 * recovers by itself when space comes back. Runs on a private tmpfs (skipped where this process
 * may not mount one).
 */
describe('SQLite disk full under load', () => {
  let disk: SmallDisk | undefined;
  let receiver: ReceiverApp;
  let project: TestProject;

  beforeAll(async () => {
    disk = mountSmallDisk(8);
    if (!disk) return;
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: { type: 'better-sqlite3', database: join(disk.dir, 'receiver.sqlite') },
    });
    project = await createProject(receiver.app);
  });

  afterAll(async () => {
    await receiver?.close();
    disk?.unmount();
  });

  it('acknowledges only committed pageviews, reports the failure and recovers', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    const acknowledged: string[] = [];
    const statuses = { during: new Map<number, number>(), after: new Map<number, number>() };
    let phase: 'before' | 'during' | 'after' = 'before';
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const url = `https://shop.example.com/w${w}/n${n}`;
        const at = phase;
        const res = await receiver.http.post(
          '/api/track/pageview.php',
          pageviewBody({ url, visitor_id: `visitor-${w}`, session_token: `session-${w}` }),
          testHeaders(project.publicKey),
        );
        if (res.status === 202) acknowledged.push(url);
        else expect(res.status).toBe(503);
        if (at !== 'before') {
          const counts = statuses[at];
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        }
        if (res.status === 503) {
          expect(res.body).toMatchObject({ success: false });
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        }
      }
    };
    const workers = Array.from({ length: 10 }, (_, w) => worker(w));

    await sleep(1_000);
    disk.fill();
    phase = 'during';
    await sleep(1_500);
    const health = await receiver.http.get('/api/health.php');
    await sleep(1_500);
    disk.free();
    await sleep(500);
    phase = 'after';
    await sleep(2_000);
    const healthAfter = await receiver.http.get('/api/health.php');
    stop = true;
    await Promise.all(workers);

    expect(health.status).toBe(503);
    expect(health.body.checks.database).toMatchObject({ status: 'fail' });
    expect(health.body.checks.database.message).toMatch(/full/);
    expect(statuses.during.get(503)).toBeGreaterThan(0);
    expect(statuses.after.get(202)).toBeGreaterThan(0);
    expect(healthAfter.status).toBe(200);

    // Every acknowledged pageview is in the database, as a second connection reads it.
    const Database = (await import('better-sqlite3')).default;
    const reader = new Database(join(disk.dir, 'receiver.sqlite'), { readonly: true });
    const stored = new Set(
      (
        reader.prepare('SELECT url FROM pageviews WHERE project_id = ?').all(project.id) as {
          url: string;
        }[]
      ).map((row) => row.url),
    );
    reader.close();
    const missing = acknowledged.filter((url) => !stored.has(url));
    expect(missing).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(
      await dataSourceOf(receiver.app).getRepository(PageviewEntity).count(),
    ).toBeGreaterThanOrEqual(acknowledged.length);
  }, 60_000);
});
