import { Redis } from 'ioredis';
import { newEventId } from '../../receiver';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  availableEngines,
  createIsolatedDatabase,
  describeWithRedis,
  type IsolatedDatabase,
  redisUrl,
  uniqueRedisPrefix,
} from '../support/services';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

const until = async (check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const count = async (receiver: ReceiverApp, table: string): Promise<number> => {
  const [row] = await dataSourceOf(receiver.app).query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
};

// PostgreSQL when available (the deployment the Redis queue is for), else SQLite.
const engine = availableEngines().includes('postgres') ? 'postgres' : 'sqlite';

describeWithRedis(`Redis queue [${engine}]`, () => {
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let redis: Redis;
  const prefix = uniqueRedisPrefix('redisq');

  beforeAll(async () => {
    database = await createIsolatedDatabase(engine);
    redis = new Redis(redisUrl()!);
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: {
        redis: redisUrl(),
        redisPrefix: prefix,
        ingest: { queue: 'redis', redis: { maxAttempts: 2, concurrency: 2 } },
      },
    });
    project = await createProject(receiver.app);
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers 202 once the event is in Redis, and a worker writes it to the database', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? receiver.http.post(
              '/api/track/pageview.php',
              pageviewBody(),
              testHeaders(project.publicKey),
            )
          : receiver.http.post(
              '/api/track/audit.php',
              { action: `a${i}`, actor: 'test' },
              testHeaders(project.secretKey),
            ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 202));
    expect(results[0].body).toEqual({ success: true, message: 'OK', data: { queued: true } });
    await until(
      async () =>
        (await count(receiver, 'pageviews')) === 20 && (await count(receiver, 'audit_logs')) === 20,
    );
    // Written events are acknowledged and deleted: the streams are empty again.
    await until(async () => (await redis.xlen(`${prefix}ingest:pageview`)) === 0);
  });

  it('shows the queue per kind and this process as a worker in health', async () => {
    await until(async () => {
      const res = await receiver.http.get('/api/health.php');
      const queue = res.body?.checks?.queue;
      return queue?.workers?.length === 1 && queue.kinds.pageview.depth === 0;
    });
    const { body } = await receiver.http.get('/api/health.php');
    const queue = body.checks.queue;
    expect(queue).toMatchObject({ driver: 'redis', mode: 'redis' });
    expect(queue.kinds.pageview).toMatchObject({ depth: 0, deadLetters: 0, workers: 1 });
    expect(queue.workers[0]).toMatchObject({ pid: process.pid, concurrency: 2 });
    expect(queue.workers[0].kinds).toEqual(
      expect.arrayContaining(['pageview', 'error', 'audit', 'click']),
    );
  });

  it('moves an event that fails maxAttempts times to the dead letters, alone', async () => {
    const before = await count(receiver, 'audit_logs');
    // A job the validators would never let through: no action (NOT NULL in audit_logs).
    await redis.xadd(
      `${prefix}ingest:audit`,
      '*',
      'job',
      JSON.stringify({ id: newEventId(), kind: 'audit', payload: { projectId: project.id } }),
      'attempts',
      '0',
    );
    const good = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'fine', actor: 'test' },
      testHeaders(project.secretKey),
    );
    expect(good.status).toBe(202);
    await until(async () => (await redis.xlen(`${prefix}ingest:audit:dead`)) === 1);
    const [[, fields]] = await redis.xrange(`${prefix}ingest:audit:dead`, '-', '+');
    expect(fields).toEqual(expect.arrayContaining(['attempts', '2']));
    await until(async () => (await count(receiver, 'audit_logs')) === before + 1);
    expect(await redis.xlen(`${prefix}ingest:audit`)).toBe(0);
  });
});
