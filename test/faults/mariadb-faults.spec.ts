import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  canRunPrivateMariaDb,
  startPrivateMariaDb,
  type PrivateMariaDb,
} from '../support/private-services';
import {
  createProject,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';
import { watchLoggedLines } from '../support/logged-lines';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A private MariaDB server killed, then frozen (SIGSTOP), under a receiver with the inline queue:
 * tracking answers 503 with `Retry-After` and never a 202 for an event that was not kept (also
 * once the 5 s key cache expired), one log line when the outage starts and one when it ends
 * (and none from TypeORM per timed-out query), recovery by itself; while the server is frozen, health answers in under 2 s naming `database`.
 */
(canRunPrivateMariaDb() ? describe : describe.skip)('MariaDB killed and frozen', () => {
  let maria: PrivateMariaDb;
  let receiver: ReceiverApp;
  let project: TestProject;
  const logged = watchLoggedLines();

  let seq = 0;
  const acked: string[] = [];
  const track = async () => {
    const id = `m${seq++}`;
    const res = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ url: `https://shop.example.com/${id}` }),
      testHeaders(project.publicKey),
    );
    if (res.status === 202) acked.push(id);
    return res;
  };
  const recovered = async () => {
    let back = 0;
    for (let i = 0; i < 150 && back !== 202; i++) {
      back = (await track()).status;
      if (back !== 202) await sleep(200);
    }
    return back;
  };
  /** Every acknowledged pageview, as a fresh connection reads the table. */
  const storedIds = async (): Promise<Map<string, number>> => {
    const mysql = await import('mysql2/promise');
    const connection = await mysql.createConnection(maria.url);
    try {
      const [rows] = await connection.query(
        `SELECT SUBSTRING(url, 26) AS id, COUNT(*) AS n FROM pageviews GROUP BY 1`,
      );
      return new Map((rows as { id: string; n: number }[]).map((r) => [r.id, Number(r.n)]));
    } finally {
      await connection.end();
    }
  };

  beforeAll(async () => {
    maria = await startPrivateMariaDb();
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: { type: 'mysql', url: maria.url },
      options: { databaseQueryTimeoutMs: 1_500 },
    });
    project = await createProject(receiver.app);
  }, 120_000);

  afterAll(async () => {
    maria?.thaw();
    await receiver?.close();
    await maria?.close();
    logged.restore();
  });

  it('answers 503 with Retry-After while killed, logs the outage once, and recovers by itself', async () => {
    expect((await track()).status).toBe(202);
    logged.clear();
    await maria.kill();
    const answers: { status: number; retryAfter: string | null }[] = [];
    // Past the 5 s project-key cache: the key lookup itself meets the dead server.
    const end = Date.now() + 6_500;
    while (Date.now() < end) {
      const res = await track();
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
      await sleep(250);
    }
    expect(answers.filter((a) => a.status !== 503 || !/^\d+$/.test(a.retryAfter ?? ''))).toEqual(
      [],
    );
    await maria.start();
    expect(await recovered()).toBe(202);
    expect(logged.count('error', /Storage unavailable/)).toBe(1);
    expect(logged.count('log', /Storage available again/)).toBe(1);
    expect(answers.length).toBeGreaterThan(10);
    // Besides the outage line, only the first refused request's id (tracking): not one per request.
    expect(logged.count('error')).toBeLessThanOrEqual(2);
    const stored = await storedIds();
    expect(acked.filter((id) => stored.get(id) !== 1)).toEqual([]);
  }, 120_000);

  it('answers health within 2 s naming the hung database, 503 to ingest, one log line each way, while frozen', async () => {
    expect((await track()).status).toBe(202);
    logged.clear();
    // TypeORM's own console output: its "query is slow" report (SQL and parameters, two lines)
    // fired for every query the timeout ended.
    const consoleLines = jest.spyOn(console, 'log');
    maria.freeze();
    const answers: { status: number; retryAfter: string | null }[] = [];
    let health;
    let healthMs = 0;
    try {
      const started = Date.now();
      health = await receiver.http.get('/api/health.php');
      healthMs = Date.now() - started;
      // Past the 5 s project-key cache, as while killed.
      const end = Date.now() + 6_500;
      while (Date.now() < end) {
        const res = await track();
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
      }
    } finally {
      maria.thaw();
    }
    expect(healthMs).toBeLessThan(2_000);
    expect(health.status).toBe(503);
    expect(health.body.checks.database).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/No answer within/),
    });
    expect(answers.filter((a) => a.status !== 503 || !/^\d+$/.test(a.retryAfter ?? ''))).toEqual(
      [],
    );
    expect(answers.length).toBeGreaterThan(2);
    expect(await recovered()).toBe(202);
    const healthy = await receiver.http.get('/api/health.php');
    expect(healthy.body.checks.database).toMatchObject({ status: 'ok' });
    expect(logged.count('error', /Storage unavailable/)).toBe(1);
    expect(logged.count('log', /Storage available again/)).toBe(1);
    expect(logged.count('error')).toBeLessThanOrEqual(2);
    expect(
      consoleLines.mock.calls
        .map((args) => args.join(' '))
        .filter((line) => /slow|execution time/.test(line)),
    ).toEqual([]);
    consoleLines.mockRestore();
    // A refused event may have been committed by the thawed server after all (its 503 said
    // "retry", never "kept"); every acknowledged one is there once.
    const stored = await storedIds();
    expect(acked.filter((id) => stored.get(id) !== 1)).toEqual([]);
  }, 120_000);
});
