import { Redis } from 'ioredis';
import { newEventId } from '../../receiver';
import { REDIS_QUEUE_RUNTIME } from '../../receiver/ingest/ingest.constants';
import type { RedisQueueRuntime } from '../../receiver/ingest/redis/redis-queue.runtime';
import { adminHeaders, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
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
        ingest: { queue: 'redis', redis: { maxAttempts: 2, concurrency: 2, maxBacklog: 50 } },
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
    await until(async () => {
      const { body } = await receiver.http.get('/api/health.php');
      return body.checks.queue.kinds.audit.deadLetters === 1;
    });
    const { body: health } = await receiver.http.get('/api/health.php');
    expect(health.checks.queue.status).toBe('warn');
  });

  it('lists, inspects, retries and drops dead letters through the admin API', async () => {
    const admin = adminHeaders();
    expect((await receiver.http.get('/api/queue/dead-letters')).status).toBe(401);
    const list = await receiver.http.get('/api/queue/dead-letters?kind=audit', admin);
    expect(list.status).toBe(200);
    expect(list.body.data.counts).toEqual({ audit: 1 });
    const [letter] = list.body.data.dead_letters;
    expect(letter).toMatchObject({ kind: 'audit', attempts: 2 });
    expect(letter.error).not.toBe('');
    const detail = await receiver.http.get(`/api/queue/dead-letters/audit/${letter.id}`, admin);
    expect(detail.body.data.job).toMatchObject({ kind: 'audit', id: letter.event_id });
    // Retry: back into the stream, fails again twice, back in the dead letters as a new letter.
    const retried = await receiver.http.post(
      `/api/queue/dead-letters/audit/${letter.id}/retry`,
      {},
      admin,
    );
    expect(retried.status).toBe(200);
    expect(
      (await receiver.http.get(`/api/queue/dead-letters/audit/${letter.id}`, admin)).status,
    ).toBe(404);
    let again: { id: string } | undefined;
    await until(async () => {
      const res = await receiver.http.get('/api/queue/dead-letters?kind=audit', admin);
      again = res.body.data.dead_letters[0];
      return again !== undefined && again.id !== letter.id;
    });
    const dropped = await receiver.http.delete(`/api/queue/dead-letters/audit/${again!.id}`, admin);
    expect(dropped.status).toBe(200);
    const empty = await receiver.http.get('/api/queue/dead-letters', admin);
    expect(empty.body.data.counts.audit).toBe(0);
    expect((await receiver.http.get('/api/queue/dead-letters/nope/1-0', admin)).status).toBe(404);
    expect((await receiver.http.get('/api/queue/dead-letters/audit/x', admin)).status).toBe(400);
  });

  it('retries or drops every dead letter of a kind at once', async () => {
    const admin = adminHeaders();
    const dead = `${prefix}ingest:audit:dead`;
    const letter = (job: object) =>
      redis.xadd(dead, '*', 'job', JSON.stringify(job), 'attempts', '2', 'error', 'was broken');
    // Letters of events that can be written now (the cause was fixed): a retry stores them.
    const fixed = ['fixed-1', 'fixed-2', 'fixed-3'];
    for (const action of fixed) {
      await letter({
        id: newEventId(),
        kind: 'audit',
        payload: {
          projectId: project.id,
          receivedAt: Date.now(),
          action,
          actor: 'test',
          ipHash: '',
          context: null,
        },
      });
    }
    const retried = await receiver.http.post('/api/queue/dead-letters/audit/retry', {}, admin);
    expect(retried.status).toBe(200);
    expect(retried.body.data).toEqual({ kind: 'audit', retried: 3 });
    await until(async () => {
      const [row] = await dataSourceOf(receiver.app).query(
        `SELECT COUNT(*) AS n FROM audit_logs WHERE action IN ('fixed-1', 'fixed-2', 'fixed-3')`,
      );
      return Number(row.n) === 3;
    });
    expect(await redis.xlen(dead)).toBe(0);

    // Letters still broken, more than one chunk of them: dropped for good, and they are gone
    // from the list and health.
    const broken = redis.pipeline();
    for (let i = 0; i < 1_200; i++) {
      const job = JSON.stringify({ id: newEventId(), kind: 'audit', payload: {} });
      broken.xadd(dead, '*', 'job', job, 'attempts', '2', 'error', 'still broken');
    }
    await broken.exec();
    const dropped = await receiver.http.delete('/api/queue/dead-letters/audit', admin);
    expect(dropped.status).toBe(200);
    expect(dropped.body.data).toEqual({ kind: 'audit', dropped: 1_200 });
    const list = await receiver.http.get('/api/queue/dead-letters?kind=audit', admin);
    expect(list.body.data.counts).toEqual({ audit: 0 });
    const { body: health } = await receiver.http.get('/api/health.php');
    expect(health.checks.queue.kinds.audit.deadLetters).toBe(0);

    // Nothing to do is no error; an unknown kind is a 404; the admin key is required.
    const none = await receiver.http.post('/api/queue/dead-letters/audit/retry', {}, admin);
    expect(none.body.data).toEqual({ kind: 'audit', retried: 0 });
    expect((await receiver.http.delete('/api/queue/dead-letters/nope', admin)).status).toBe(404);
    expect((await receiver.http.post('/api/queue/dead-letters/audit/retry', {})).status).toBe(401);
  });

  it("answers 503 with Retry-After once a kind's backlog reaches its limit", async () => {
    const runtime = receiver.app.get(REDIS_QUEUE_RUNTIME, { strict: false }) as RedisQueueRuntime;
    // Workers off for this kind's stream: fill it past the limit directly.
    const stream = `${prefix}ingest:error`;
    const limit = runtime.options.redisQueue.maxBacklog;
    expect(limit).toBe(50);
    await runtime.workers!.stop();
    for (let i = 0; i < limit; i++) {
      await redis.xadd(
        stream,
        '*',
        'job',
        JSON.stringify({ id: newEventId(), kind: 'error', payload: {} }),
        'attempts',
        '0',
      );
    }
    await runtime.monitor.refresh();
    const res = await receiver.http.post(
      '/api/track/error.php',
      { message: 'boom', error_type: 'Error' },
      testHeaders(project.secretKey),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(res.body.success).toBe(false);
  });
});
