import { Redis } from 'ioredis';
import { Client } from 'pg';
import {
  createProject,
  secretHeaders,
  type TestProject,
} from '../receiver/telemetry/telemetry-fixtures';
import { useReceiverApp } from '../support/receiver-app';
import { postgresUrl, redisUrl, uniqueRedisPrefix } from '../support/services';
import { dataSourceOf } from '../tracking/tracking-fixtures';

const CLAIM_IDLE_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async (check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(100);
  }
};

/**
 * `XAUTOCLAIM` hands over entries a consumer has held for `claimIdleMs` without acknowledging
 * them: meant for a worker that died. A live worker whose batch simply takes that long (a lock
 * wait, a slow disk) used to lose it to another worker while still writing it; both then wrote
 * the batch. The event's own row stayed single (unique event id), but what is counted beside it
 * was counted twice: here a link click in the analytics rollups (likewise pageviews and error-group
 * occurrences; telemetry reports were safe: a batch locks its hosts' rows first, so the second
 * writer waits and then finds the samples stored). A worker now keeps its claim fresh while it
 * writes.
 */
(postgresUrl() && redisUrl() ? describe : describe.skip)(
  'Redis queue: a batch that takes longer than claimIdleMs [postgres]',
  () => {
    const prefix = uniqueRedisPrefix('claim');
    const receiver = useReceiverApp({
      adapter: 'fastify',
      engine: 'postgres',
      options: {
        redis: redisUrl(),
        redisPrefix: prefix,
        ingest: { queue: 'redis', redis: { concurrency: 2, claimIdleMs: CLAIM_IDLE_MS } },
      },
    });
    let project: TestProject;
    let redis: Redis;

    beforeAll(async () => {
      project = await createProject(receiver);
      redis = new Redis(redisUrl()!);
    });

    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    let code: string;
    const click = () => receiver.http.get(`/r/${code}`, { 'X-Test-Mode': 'phpunit' });
    const stored = async () => {
      const [row] = await dataSourceOf(receiver.app).query(
        `SELECT (SELECT COUNT(*) FROM link_clicks) AS clicks, ` +
          `(SELECT COALESCE(SUM(pageviews), 0) FROM analytics_rollups WHERE dimension = 'link') AS rolled`,
      );
      return { clicks: Number(row.clicks), rolled: Number(row.rolled) };
    };
    /** Backends of the receiver's database other than `pg`'s: waiting on a lock, or busy at all. */
    const others = async (pg: Client, which: 'waiting' | 'busy') =>
      Number(
        (
          await pg.query(
            `SELECT COUNT(*) AS n FROM pg_stat_activity ` +
              `WHERE datname = current_database() AND pid <> pg_backend_pid() AND ` +
              (which === 'waiting' ? `wait_event_type = 'Lock'` : `state <> 'idle'`),
          )
        ).rows[0].n,
      );

    it('stays with the worker writing it: a click held up by a lock is counted once', async () => {
      const link = await receiver.http.post(
        '/api/links/create.php',
        { destination_url: 'https://shop.example.com/' },
        secretHeaders(project),
      );
      code = link.body.data.code;
      expect((await click()).status).toBe(302);
      await until(async () => (await stored()).rolled === 1);
      const pg = new Client({
        connectionString: (receiver.database.options as { url: string }).url,
      });
      await pg.connect();
      try {
        // Holds the link row: the next click's batch cannot insert its row (foreign key) yet.
        await pg.query('BEGIN');
        await pg.query(`SELECT id FROM tracked_links WHERE code = $1 FOR UPDATE`, [code]);
        expect((await click()).status).toBe(302);
        await until(async () => (await others(pg, 'waiting')) >= 1);
        // Well past claimIdleMs: the other worker loop looks for abandoned entries meanwhile.
        await sleep(4 * CLAIM_IDLE_MS);
        await pg.query('COMMIT');
        await until(async () => (await redis.xlen(`${prefix}ingest:click`)) === 0);
        // No transaction left open: a second writer of the batch, had there been one, is done.
        await until(async () => (await others(pg, 'busy')) === 0);
      } finally {
        await pg.end();
      }
      expect(await stored()).toEqual({ clicks: 2, rolled: 2 });
    }, 60_000);
  },
);
