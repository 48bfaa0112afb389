import { Client } from 'pg';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  canRunPrivatePostgres,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-services';
import {
  createProject,
  pageviewBody,
  dataSourceOf,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';
import { watchLoggedLines } from '../support/logged-lines';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const QUERY_TIMEOUT_MS = 1_500;
const BATCH_SIZE = 2;

/**
 * A private PostgreSQL cluster stopped, then frozen (SIGSTOP on every backend), under a receiver
 * with the inline queue: tracking answers 503 with `Retry-After` (also once the 5 s key cache
 * expired), one log line when the outage starts and one when it ends, recovery by itself; while
 * the server is frozen, health answers in under 2 s naming `database`, and ingest gets its 503
 * from the query timeout instead of hanging; a transaction that timed out on the frozen server is
 * rolled back, never committed by the next transaction on its pooled connection; requests waiting
 * for a batch meanwhile hear their 503 after about one query timeout, not one per batch ahead.
 */
(canRunPrivatePostgres() ? describe : describe.skip)('PostgreSQL stopped and frozen', () => {
  let pg: PrivatePostgres;
  let receiver: ReceiverApp;
  let project: TestProject;
  const logged = watchLoggedLines();

  const track = () =>
    receiver.http.post('/api/track/pageview.php', pageviewBody(), testHeaders(project.publicKey));
  const stored = async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT COUNT(*) AS n FROM pageviews')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    // Small batches: a few concurrent requests are already several batches' worth.
    process.env.RECEIVER_INGEST_BATCH_SIZE = String(BATCH_SIZE);
    try {
      receiver = await createReceiverApp({
        adapter: 'fastify',
        database: { type: 'postgres', url: pg.url },
        options: { databaseQueryTimeoutMs: QUERY_TIMEOUT_MS },
      });
    } finally {
      delete process.env.RECEIVER_INGEST_BATCH_SIZE;
    }
    project = await createProject(receiver.app);
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    pg?.close();
    logged.restore();
  });

  it('answers 503 with Retry-After while stopped, logs the outage once, and recovers by itself', async () => {
    expect((await track()).status).toBe(202);
    logged.clear();
    pg.stop();
    const answers: { status: number; retryAfter: string | null }[] = [];
    // Past the 5 s project-key cache: the key lookup itself meets the stopped database.
    const end = Date.now() + 6_500;
    while (Date.now() < end) {
      const res = await track();
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
      await sleep(250);
    }
    expect(answers.filter((a) => a.status !== 503 || !/^\d+$/.test(a.retryAfter ?? ''))).toEqual(
      [],
    );
    await pg.start();
    let back = 0;
    for (let i = 0; i < 100 && back !== 202; i++) {
      back = (await track()).status;
      if (back !== 202) await sleep(200);
    }
    expect(back).toBe(202);
    expect(logged.count('error', /Storage unavailable/)).toBe(1);
    expect(logged.count('log', /Storage available again/)).toBe(1);
    // Besides the outage line, only the first refused request's id (tracking): not one per request.
    expect(answers.length).toBeGreaterThan(10);
    expect(logged.count('error')).toBeLessThanOrEqual(2);
  }, 60_000);

  it('answers health within 2 s naming the hung database, and 503 to ingest, while frozen', async () => {
    const before = await stored();
    pg.freeze();
    try {
      const started = Date.now();
      const health = await receiver.http.get('/api/health.php');
      const healthMs = Date.now() - started;
      const write = await track();
      expect(healthMs).toBeLessThan(2_000);
      expect(health.body.checks.database).toMatchObject({
        status: 'fail',
        message: expect.stringMatching(/No answer within/),
      });
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      pg.thaw();
    }
    let back = 0;
    for (let i = 0; i < 100 && back !== 202; i++) {
      back = (await track()).status;
      if (back !== 202) await sleep(200);
    }
    expect(back).toBe(202);
    // The refused event may have been committed by the thawed server after all (its 503 said
    // "retry", never "kept"); the one acknowledged after recovery is there.
    expect(await stored()).toBeGreaterThanOrEqual(before + 1);
  }, 60_000);

  it('rolls back a transaction whose query timed out on the hung server, never committing it with the next one', async () => {
    const dataSource = dataSourceOf(receiver.app);
    await dataSource.query('CREATE TABLE fault_probe (id int)');
    // Its first statement done, the server hangs before the second: the caller hears a storage
    // fault (a 503 for ingest), so nothing of it may be stored.
    const failed = await dataSource
      .transaction(async (manager) => {
        await manager.query('INSERT INTO fault_probe VALUES (1)');
        pg.freeze();
        await manager.query('SELECT 1');
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    pg.thaw();
    // Enough transactions that the pooled connection of the failed one is taken again, had it
    // been given back.
    for (let id = 2; id <= 6; id++) {
      await dataSource.transaction((manager) =>
        manager.query(`INSERT INTO fault_probe VALUES (${id})`),
      );
    }
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const rows = (await client.query('SELECT id FROM fault_probe ORDER BY id')).rows;
      expect(String(failed)).toMatch(/Query read timeout/);
      expect(rows.map((row: { id: number }) => row.id)).toEqual([2, 3, 4, 5, 6]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('answers every request waiting for a batch on the hung server within about one query timeout', async () => {
    expect((await track()).status).toBe(202);
    pg.freeze();
    let answers: { status: number; retryAfter: string | null; ms: number }[];
    try {
      // Ten batches' worth at once: each batch takes the whole query timeout on the hung server.
      answers = await Promise.all(
        Array.from({ length: 10 * BATCH_SIZE }, async () => {
          const started = Date.now();
          const res = await track();
          return {
            status: res.status,
            retryAfter: res.headers.get('retry-after'),
            ms: Date.now() - started,
          };
        }),
      );
    } finally {
      pg.thaw();
    }
    expect(answers.filter((a) => a.status !== 503 || !/^\d+$/.test(a.retryAfter ?? ''))).toEqual(
      [],
    );
    // The batch in progress and the one after it at most: not one timeout per batch ahead.
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(2 * QUERY_TIMEOUT_MS + 1_000);
    let back = 0;
    for (let i = 0; i < 100 && back !== 202; i++) {
      back = (await track()).status;
      if (back !== 202) await sleep(200);
    }
    expect(back).toBe(202);
  }, 60_000);
});
