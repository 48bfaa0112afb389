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
import { cpuTicks, startWorker } from '../support/worker-process';
import {
  createProject,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';
import { waitUntil } from '../support/eventually';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = (check: () => Promise<boolean>, ms = 60_000) => waitUntil(check, ms);

/**
 * The Redis queue on a private PostgreSQL and a private Redis, under load: Redis killed (events
 * committed inline, health says so), then the database stopped too (503 with `Retry-After`,
 * never a 202), then both back. Every 202 is stored exactly once. A worker process meanwhile
 * backs off (its CPU stays low) and resumes by itself when Redis returns.
 */
(canRunPrivatePostgres() ? describe : describe.skip)(
  'Redis queue: Redis and database away under load',
  () => {
    let pg: PrivatePostgres;
    let redis: PrivateRedis;
    let receiver: ReceiverApp;
    let project: TestProject;
    let worker: ChildProcess;

    beforeAll(async () => {
      pg = await startPrivatePostgres();
      redis = await startPrivateRedis();
      receiver = await createReceiverApp({
        adapter: 'fastify',
        database: { type: 'postgres', url: pg.url },
        options: {
          redis: redis.url,
          redisCommandTimeoutMs: 200,
          databaseQueryTimeoutMs: 2_000,
          // HTTP only: the worker process writes what goes through Redis.
          ingest: { queue: 'redis', redis: { workers: false } },
        },
      });
      project = await createProject(receiver.app);
      worker = startWorker({
        RECEIVER_REDIS_URL: redis.url,
        RECEIVER_QUEUE: 'redis',
        RECEIVER_ADMIN_KEY: 'worker-admin-key',
        RECEIVER_IP_HASH_SALT: 'test-ip-salt',
        RECEIVER_DATABASE_URL: pg.url,
        RECEIVER_PRODUCTION: 'false',
      });
    }, 90_000);

    afterAll(async () => {
      if (worker && worker.exitCode === null) worker.kill('SIGKILL');
      await receiver?.close();
      await redis?.close();
      pg?.close();
    });

    it('acknowledges only kept events, and the worker idles while Redis is away', async () => {
      const acked: string[] = [];
      const statuses = {
        redisDown: new Map<number, number>(),
        bothDown: new Map<number, number>(),
      };
      let phase: 'up' | 'redisDown' | 'bothDown' | 'recovering' = 'up';
      let stop = false;
      let seq = 0;
      const badRetryAfter: number[] = [];
      const load = async () => {
        while (!stop) {
          const id = `e${seq++}`;
          const during = phase;
          const res = await receiver.http.post(
            '/api/track/pageview.php',
            pageviewBody({ url: `https://shop.example.com/${id}` }),
            testHeaders(project.publicKey),
          );
          if (res.status === 202) acked.push(id);
          if (res.status === 503 && !/^\d+$/.test(res.headers.get('retry-after') ?? '')) {
            badRetryAfter.push(res.status);
          }
          // Counted only when the phase held for the whole request (one waiting for a pooled
          // connection while the database restarts is kept, and rightly answered 202).
          if ((during === 'redisDown' || during === 'bothDown') && phase === during) {
            const counts = statuses[during];
            counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          }
          await sleep(10);
        }
      };
      const loops = Array.from({ length: 6 }, load);
      const written = async () => {
        const client = new Client({ connectionString: pg.url });
        await client.connect();
        try {
          return Number((await client.query('SELECT COUNT(*) AS n FROM pageviews')).rows[0].n);
        } finally {
          await client.end();
        }
      };
      // The worker writes what the receiver put in Redis.
      await until(async () => (await written()) > 50);

      await redis.kill();
      phase = 'redisDown';
      await sleep(1_500);
      const health = await receiver.http.get('/api/health.php');
      // The worker process while Redis is away: backing off, not spinning.
      const ticksBefore = cpuTicks(worker.pid!);
      await sleep(3_000);
      const workerTicks = cpuTicks(worker.pid!) - ticksBefore;

      pg.stop();
      phase = 'bothDown';
      await sleep(2_500);

      phase = 'recovering';
      await pg.start();
      await redis.start();
      phase = 'up';
      await sleep(2_000);
      stop = true;
      await Promise.all(loops);
      expect(health.body.checks.queue).toMatchObject({ mode: 'inline-fallback' });
      // Inline fallback kept accepting; with the database away too, nothing was acknowledged.
      expect(statuses.redisDown.get(202) ?? 0).toBeGreaterThan(0);
      expect([...statuses.bothDown.keys()].filter((status) => status !== 503)).toEqual([]);
      expect(badRetryAfter).toEqual([]);
      // 300 ticks elapsed: a busy loop would use most of them.
      expect(workerTicks).toBeLessThan(60);

      // The worker resumed by itself: Redis drains, and every 202 is stored exactly once.
      const client = new Redis(redis.url);
      await until(async () => (await client.xlen('ingest:pageview')) === 0);
      client.disconnect();
      const db = new Client({ connectionString: pg.url });
      await db.connect();
      const rows = (
        await db.query(`SELECT substr(url, 26) AS id, COUNT(*) AS n FROM pageviews GROUP BY 1`)
      ).rows as { id: string; n: string }[];
      await db.end();
      const counts = new Map(rows.map((row) => [row.id, Number(row.n)]));
      expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
      expect(acked.length).toBeGreaterThan(100);
    }, 180_000);
  },
);
