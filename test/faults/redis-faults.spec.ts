import { Redis } from 'ioredis';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import {
  browserHeaders,
  createProject,
  dataSourceOf,
  pageviewBody,
  type TestProject,
} from '../tracking/tracking-fixtures';
import { waitUntil } from '../support/eventually';

const COMMAND_TIMEOUT_MS = 200;
/** Below one command timeout of the old client (2 s), far above one of ours plus the fallback. */
const BOUND_MS = 1_900;

const until = (check: () => Promise<boolean>, ms = 30_000) => waitUntil(check, ms);

/**
 * A private Redis (queue, cache, rate limits) frozen with SIGSTOP, then killed, then restarted:
 * tracking and analytics keep answering within about one command timeout (events committed
 * inline meanwhile), health says which dependency fails, and every acknowledged event is stored
 * exactly once — whether it went through Redis or inline.
 */
describe('Redis frozen, killed and back', () => {
  let redis: PrivateRedis;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  const acked: string[] = [];
  let seq = 0;

  const track = async () => {
    const id = `p${seq++}`;
    const started = Date.now();
    // Browser headers (no test hook): the rate limit runs, on Redis.
    const res = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ url: `https://shop.example.com/${id}` }),
      browserHeaders(project.publicKey, { 'X-Forwarded-For': `10.0.${seq % 250}.1` }),
    );
    if (res.status === 202) acked.push(id);
    return { status: res.status, ms: Date.now() - started };
  };
  const analytics = async () => {
    const started = Date.now();
    const res = await receiver.http.get(`/api/analytics/visitors.php?range=7d&n=${seq++}`, {
      'X-API-Key': project.secretKey,
    });
    return { status: res.status, ms: Date.now() - started };
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: {
        redis: redis.url,
        redisCommandTimeoutMs: COMMAND_TIMEOUT_MS,
        ingest: { queue: 'redis' },
      },
    });
    project = await createProject(receiver.app);
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await redis?.close();
    await database?.drop();
  });

  it('answers within one command timeout while Redis is frozen or dead, and loses nothing', async () => {
    expect((await track()).status).toBe(202);
    expect((await analytics()).status).toBe(200);

    redis.freeze();
    const frozen = [];
    for (let i = 0; i < 5; i++) frozen.push(await track(), await analytics());
    const health = await receiver.http.get('/api/health.php');
    redis.thaw();
    expect(frozen.map((r) => r.status)).toEqual(frozen.map((_, i) => (i % 2 ? 200 : 202)));
    expect(frozen.filter((r) => r.ms > BOUND_MS)).toEqual([]);
    expect(health.body.checks.valkey).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/Not answering/),
    });

    await redis.kill();
    const dead = [];
    for (let i = 0; i < 5; i++) dead.push(await track(), await analytics());
    expect(dead.map((r) => r.status)).toEqual(dead.map((_, i) => (i % 2 ? 200 : 202)));
    expect(dead.filter((r) => r.ms > BOUND_MS)).toEqual([]);
    const deadHealth = await receiver.http.get('/api/health.php');
    expect(deadHealth.body.checks.queue).toMatchObject({ mode: 'inline-fallback' });

    // Back: the queue takes Redis again by itself, and the worker drains what it held.
    await redis.start();
    await until(async () => {
      await track();
      const res = await receiver.http.get('/api/health.php');
      return res.body.checks.queue?.mode === 'redis' && res.body.checks.valkey?.status === 'ok';
    });
    const client = new Redis(redis.url);
    await until(async () => (await client.xlen('ingest:pageview')) === 0);
    client.disconnect();
    const rows: { url: string }[] = await dataSourceOf(receiver.app).query(
      `SELECT url FROM pageviews`,
    );
    const counts = new Map<string, number>();
    for (const { url } of rows) {
      const id = url.slice('https://shop.example.com/'.length);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
  }, 120_000);
});
