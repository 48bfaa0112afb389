import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiverStats } from '../../receiver/common/stats/receiver-stats';
import { PageviewEntity } from '../../receiver/storage/entities';
import { sqliteWritePathOf } from '../../receiver/storage/storage.guards';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { watchLoggedLines } from '../support/logged-lines';
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
 * may not mount one). Small batches are written on the event loop; batches of 64 events and more
 * go to the SQLite writer thread (IngestBatchProcessor). The second case makes such batches: at
 * the start of each phase the write path is held for a moment (as a slow disk or another writer
 * would), so 200 clients' pageviews pile up and are written as one batch.
 */
describe.each([
  { clients: 10, stalls: false, path: 'small batches, on the event loop' },
  { clients: 200, stalls: true, path: 'backlogs, in the writer thread' },
])('SQLite disk full under load: $path', ({ clients, stalls }) => {
  let disk: SmallDisk | undefined;
  let receiver: ReceiverApp;
  let project: TestProject;

  beforeAll(async () => {
    // Room for what 10 clients store in the seconds after the space comes back: on a quiet
    // machine they write ~2 MB/s (unique URLs: a pageview and its rollup rows each), and an 8 MB
    // disk was full again by the time health was asked, so the test failed for a real full disk.
    disk = mountSmallDisk(64);
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
    const workers = Array.from({ length: clients }, (_, w) => worker(w));
    let biggestBatch = 0;
    const stopListening = receiver.app.get(ReceiverStats).listen({
      batchWritten: ({ kinds }) => {
        let events = 0;
        for (const { stored, failed } of kinds.values()) events += stored + failed;
        biggestBatch = Math.max(biggestBatch, events);
      },
    });
    const writePath = sqliteWritePathOf(dataSourceOf(receiver.app));
    const stall = async (): Promise<void> => {
      if (stalls) await writePath?.write(() => sleep(400), { onLoop: true });
    };

    await sleep(1_000);
    await stall();
    disk.fill();
    phase = 'during';
    await stall();
    await sleep(1_500);
    const health = await receiver.http.get('/api/health.php');
    await sleep(1_500);
    disk.free();
    await sleep(500);
    phase = 'after';
    await stall();
    await sleep(2_000);
    stopListening();
    const healthAfter = await receiver.http.get('/api/health.php');
    stop = true;
    await Promise.all(workers);

    // The case runs the path it names: batches from 64 events go to the writer thread.
    if (stalls) expect(biggestBatch).toBeGreaterThanOrEqual(64);
    else expect(biggestBatch).toBeLessThan(64);
    expect(health.status).toBe(503);
    expect(health.body.checks.database).toMatchObject({ status: 'fail' });
    expect(health.body.checks.database.message).toMatch(/full/);
    expect(statuses.during.get(503)).toBeGreaterThan(0);
    expect(statuses.after.get(202)).toBeGreaterThan(0);
    expect(healthAfter.status).toBe(200);

    // Every acknowledged pageview is in the database, as a second connection reads it.
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

/**
 * SQLite's WAL checkpoints run in a worker thread (SqliteWalCheckpointer). On a full disk a
 * checkpoint cannot grow the database file while commits still land in WAL space the file already
 * has: the commits are fine (202), but the WAL can no longer be emptied, so health must say so —
 * from the checkpoint's failure, not from a write's — and turn green once a checkpoint succeeds.
 */
describe('SQLite WAL checkpoint on a full disk', () => {
  let disk: SmallDisk | undefined;
  let receiver: ReceiverApp;
  let project: TestProject;
  let logged: ReturnType<typeof watchLoggedLines>;

  beforeAll(async () => {
    disk = mountSmallDisk(32);
    if (!disk) return;
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: { type: 'better-sqlite3', database: join(disk.dir, 'receiver.sqlite') },
    });
    logged = watchLoggedLines();
    project = await createProject(receiver.app);
  });

  afterAll(async () => {
    logged?.restore();
    await receiver?.close();
    disk?.unmount();
  });

  it('turns health red while checkpoints fail, green after the next one, and loses no 202', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    const file = join(disk.dir, 'receiver.sqlite');
    const acknowledged: string[] = [];
    const track = async (): Promise<void> => {
      const url = `https://shop.example.com/checkpoint/${acknowledged.length}`;
      const res = await receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody({ url, visitor_id: 'visitor-c', session_token: 'session-c' }),
        testHeaders(project.publicKey),
      );
      expect(res.status).toBe(202);
      acknowledged.push(url);
    };
    const health = () => receiver.http.get('/api/health.php');

    // Room in the WAL: a reader's snapshot keeps the writer from starting the WAL over, so it
    // grows to 4 MiB; once every frame is in the database file, later commits reuse that space
    // without allocating any.
    const reader = new Database(file);
    reader.exec('BEGIN');
    reader.prepare('SELECT COUNT(*) AS n FROM pageviews').get();
    while (statSync(`${file}-wal`).size < 4 * 1024 * 1024) await track();
    reader.exec('COMMIT');
    for (;;) {
      const [done] = reader.pragma('wal_checkpoint(PASSIVE)') as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      if (done.busy === 0 && done.log === done.checkpointed) break;
      await sleep(10);
    }
    reader.close();
    expect((await health()).status).toBe(200);

    // Disk full: the commits still land in the WAL (every one answered 202) until the worker's
    // checkpoint has to write a page past the end of the database file.
    disk.fill();
    let red = await health();
    while (red.status === 200) {
      await track();
      red = await health();
    }
    expect(red.status).toBe(503);
    expect(red.body.checks.database).toMatchObject({ status: 'fail' });
    expect(red.body.checks.database.message).toMatch(/checkpoint/i);
    expect(red.body.checks.database.message).toMatch(/SQLITE_FULL/);

    // Space is back: the next checkpoint completes and ends the outage by itself.
    disk.free();
    let green = await health();
    while (green.status !== 200) {
      await sleep(50);
      green = await health();
    }
    expect(green.body.checks.database).toMatchObject({ status: 'ok' });
    for (let i = 0; i < 5; i++) await track();

    expect(logged.count('error', /^Storage/)).toBe(1);
    expect(logged.count('error', /^Storage failing: WAL checkpoint failed with SQLITE_FULL/)).toBe(
      1,
    );
    expect(logged.count('log', /^Storage available again/)).toBe(1);

    // Every acknowledged pageview is in the database, as a second connection reads it.
    const check = new Database(file, { readonly: true });
    const stored = new Set(
      (
        check.prepare('SELECT url FROM pageviews WHERE project_id = ?').all(project.id) as {
          url: string;
        }[]
      ).map((row) => row.url),
    );
    check.close();
    expect(acknowledged.filter((url) => !stored.has(url))).toEqual([]);
  }, 60_000);
});
