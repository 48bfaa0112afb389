import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  canRunPrivatePostgres,
  startPrivatePostgres,
  startPrivateRedis,
  type PrivatePostgres,
  type PrivateRedis,
} from '../support/private-services';
import { startWorker } from '../support/worker-process';
import { watchLoggedLines } from '../support/logged-lines';
import {
  createProject,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';
import { waitUntil } from '../support/eventually';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = (check: () => Promise<boolean>, ms = 90_000) => waitUntil(check, ms);

/**
 * The database stopped under the Redis queue: an HTTP receiver (Redis only) and a `receiver
 * worker` process, both ticking alerts every second. Each process logs the outage ONCE when it
 * starts and ONCE when it ends: the worker used to log it twice each way (the storage monitor's
 * line and its loops' own), and every process one more line per alerts tick for as long as the
 * outage lasted. Health answers in under 2 s naming the database; the worker holds its batch and
 * resumes by itself; every 202 is stored exactly once.
 */
(canRunPrivatePostgres() ? describe : describe.skip)(
  'Redis queue: database stopped under a worker process',
  () => {
    let pg: PrivatePostgres;
    let redis: PrivateRedis;
    let receiver: ReceiverApp;
    let project: TestProject;
    let worker: ChildProcess;
    const printed: { at: number; line: string }[] = [];
    const logged = watchLoggedLines();

    /** Starts a `receiver worker` process and waits until its loops run. */
    const launchWorker = async () => {
      worker = startWorker({
        RECEIVER_REDIS_URL: redis.url,
        RECEIVER_QUEUE: 'redis',
        RECEIVER_ADMIN_KEY: 'worker-admin-key',
        RECEIVER_IP_HASH_SALT: 'test-ip-salt',
        RECEIVER_DATABASE_URL: pg.url,
        RECEIVER_DATABASE_QUERY_TIMEOUT_MS: '1500',
        RECEIVER_ALERTS_INTERVAL_SECONDS: '1',
        RECEIVER_PRODUCTION: 'false',
      });
      const since = Date.now();
      const add = (chunk: Buffer) => {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          printed.push({ at: Date.now(), line });
        }
      };
      worker.stdout!.on('data', add);
      worker.stderr!.on('data', add);
      await until(async () =>
        printed.some(({ at, line }) => at >= since && /Queue worker .* started/.test(line)),
      );
    };
    const stored = async () => {
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      try {
        const rows = (
          await client.query(
            `SELECT substr(url, 26) AS id, COUNT(*) AS n FROM pageviews GROUP BY 1`,
          )
        ).rows as { id: string; n: string }[];
        return new Map(rows.map((row) => [row.id, Number(row.n)]));
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      pg = await startPrivatePostgres();
      redis = await startPrivateRedis();
      receiver = await createReceiverApp({
        adapter: 'fastify',
        database: { type: 'postgres', url: pg.url },
        options: {
          redis: redis.url,
          databaseQueryTimeoutMs: 1_500,
          alerts: { intervalSeconds: 1 },
          ingest: { queue: 'redis', redis: { workers: false } },
        },
      });
      project = await createProject(receiver.app);
      await launchWorker();
    }, 150_000);

    afterAll(async () => {
      if (worker && worker.exitCode === null) worker.kill('SIGKILL');
      await receiver?.close();
      await redis?.close();
      pg?.close();
      logged.restore();
    });

    it('logs the outage once each way in each process, keeps accepting, and loses nothing', async () => {
      const acked: string[] = [];
      const answers: { at: number; status: number }[] = [];
      let stop = false;
      let seq = 0;
      const load = async () => {
        while (!stop) {
          const id = `e${seq++}`;
          const res = await receiver.http.post(
            '/api/track/pageview.php',
            pageviewBody({ url: `https://shop.example.com/${id}` }),
            testHeaders(project.publicKey),
          );
          if (res.status === 202) acked.push(id);
          answers.push({ at: Date.now(), status: res.status });
          await sleep(20);
        }
      };
      const loops = Array.from({ length: 4 }, load);
      // The worker writes what the receiver queued.
      await until(async () => (await stored()).size > 20);

      logged.clear();
      const since = Date.now();
      pg.stop();
      // Several alerts ticks in both processes, past the receiver's 5 s project-key cache.
      await sleep(2_000);
      const started = Date.now();
      const health = await receiver.http.get('/api/health.php');
      const healthMs = Date.now() - started;
      await sleep(5_000);
      const restarted = Date.now();
      await pg.start();
      await until(async () =>
        printed.some(({ at, line }) => at > since && /Storage available again/.test(line)),
      );
      await sleep(2_000);
      stop = true;
      await Promise.all(loops);

      const client = new Redis(redis.url);
      await until(async () => (await client.xlen('ingest:pageview')) === 0);
      const deadLetters = await client.xlen('ingest:pageview:dead');
      client.disconnect();
      const counts = await stored();
      const workerLines = printed.filter(({ at }) => at >= since).map(({ line }) => line);

      expect(healthMs).toBeLessThan(2_000);
      expect(health.body.checks.database).toMatchObject({ status: 'fail' });
      // Redis keeps the events, so the receiver accepts them all along — past its 5 s project-key
      // cache too, where the key lookup meets the stopped database (it answered 503 there).
      const pastKeyCache = answers.filter((a) => a.at > since + 5_500 && a.at < restarted);
      expect(pastKeyCache.length).toBeGreaterThan(10);
      expect(pastKeyCache.filter((a) => a.status !== 202)).toEqual([]);
      // The worker: one line when the outage starts, one when it ends, nothing else in between.
      expect(workerLines.filter((line) => /ERROR|WARN/.test(line))).toEqual([
        expect.stringMatching(/Storage unavailable/),
      ]);
      expect(workerLines.filter((line) => /Storage available again/.test(line))).toHaveLength(1);
      // The receiver: the same, besides the first refused request's id.
      expect(logged.count('error', /Storage unavailable/)).toBe(1);
      expect(logged.count('log', /Storage available again/)).toBe(1);
      expect(logged.count('error')).toBeLessThanOrEqual(2);
      expect(logged.count('warn')).toBe(0);
      expect(deadLetters).toBe(0);
      expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
      expect(acked.length).toBeGreaterThan(100);
    }, 120_000);
    it('stops on SIGTERM while the database is away, and the next worker writes the batch it held', async () => {
      pg.stop();
      const acked: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = `t${i}`;
        const res = await receiver.http.post(
          '/api/track/pageview.php',
          pageviewBody({ url: `https://shop.example.com/${id}` }),
          testHeaders(project.publicKey),
        );
        if (res.status === 202) acked.push(id);
      }
      // Queued in Redis (the project key still cached): the worker took them and holds the batch.
      expect(acked.length).toBeGreaterThan(0);
      const client = new Redis(redis.url);
      await until(
        async () =>
          Number(((await client.xpending('ingest:pageview', 'ingest-workers')) as [number])[0]) > 0,
      );
      const exited = new Promise<number | null>((resolve) =>
        worker.once('exit', (code) => resolve(code)),
      );
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);

      await pg.start();
      await launchWorker();
      await until(async () => (await client.xlen('ingest:pageview')) === 0);
      client.disconnect();
      const counts = await stored();
      expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
    }, 120_000);
  },
);
