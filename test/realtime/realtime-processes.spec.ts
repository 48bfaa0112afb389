import { Redis } from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { startWorker } from '../support/worker-process';
import {
  createIsolatedDatabase,
  describeWithRedis,
  type IsolatedDatabase,
  postgresUrl,
  redisUrl,
  uniqueRedisPrefix,
} from '../support/services';
import { pageviewBody, testHeaders } from '../tracking/tracking-fixtures';
import { openEventStream, openWebSocket, type FeedClient } from './realtime-clients';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Two receivers sharing a database and Redis: A only answers HTTP (its events are queued in
// Redis), B answers HTTP and runs the queue workers. Whoever commits an event, every subscriber of
// either process gets it exactly once.
describeWithRedis('realtime feeds across receiver processes (Redis fan-out)', () => {
  let dir: string;
  let database: IsolatedDatabase | undefined;
  let a: ReceiverProcess;
  let b: ReceiverProcess;
  let shared: Record<string, string>;
  let databaseUrl: string;
  let redis: Redis;
  const clients: FeedClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'realtime-'));
    database = postgresUrl() ? await createIsolatedDatabase('postgres') : undefined;
    const target = database
      ? (database.options as { url: string }).url
      : join(dir, 'receiver.sqlite');
    shared = {
      RECEIVER_REALTIME: 'true',
      RECEIVER_REDIS_URL: redisUrl()!,
      RECEIVER_REDIS_PREFIX: uniqueRedisPrefix('realtime'),
      RECEIVER_QUEUE: 'redis',
    };
    databaseUrl = target;
    redis = new Redis(redisUrl()!);
    // One after the other: the first creates the schema and the project, the second finds them.
    a = await startReceiverProcess(target, { ...shared, RECEIVER_QUEUE_WORKERS: 'false' });
    b = await startReceiverProcess(target, shared);
  }, 60_000);

  afterAll(async () => {
    clients.forEach((client) => client.close());
    for (const process of [a, b]) {
      process?.child.kill('SIGTERM');
      await process?.exited;
    }
    await redis?.quit();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('delivers every committed pageview and error once to WebSocket and SSE clients of both processes', async () => {
    const { projectId, secretKey, publicKey } = a.info;
    expect(b.info.projectId).toBe(projectId);
    const headers = { 'X-API-Key': secretKey };
    const tokenAnswer = await fetch(`${b.info.url}/api/realtime/tokens`, {
      method: 'POST',
      headers: { 'X-Admin-Key': 'process-admin-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ project_id: projectId }),
    });
    const token = ((await tokenAnswer.json()) as { data: { token: string } }).data.token;
    const feeds = {
      wsA: await openWebSocket(a.info.url, { headers }),
      sseA: await openEventStream(a.info.url, { query: `token=${token}` }),
      wsB: await openWebSocket(b.info.url, { query: `token=${token}` }),
      sseB: await openEventStream(b.info.url, { headers }),
    };
    clients.push(...Object.values(feeds));
    for (const feed of Object.values(feeds)) await feed.next((m) => m.channel === 'hello');

    const urls = ['https://shop.example.com/via-a', 'https://shop.example.com/via-b'];
    for (const [i, target] of [a, b].entries()) {
      const response = await fetch(`${target.info.url}/api/track/pageview.php`, {
        method: 'POST',
        headers: { ...testHeaders(publicKey), 'Content-Type': 'application/json' },
        body: JSON.stringify(pageviewBody({ url: urls[i] })),
      });
      expect(response.status).toBe(202);
      const error = await fetch(`${target.info.url}/api/track/error.php`, {
        method: 'POST',
        headers: { ...testHeaders(secretKey), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: `failure ${i}` }),
      });
      expect(error.status).toBe(202);
    }
    for (const feed of Object.values(feeds)) {
      for (const url of urls)
        await feed.next((m) => m.channel === 'pageviews' && m.data.url === url, 15_000);
      for (const message of ['failure 0', 'failure 1']) {
        await feed.next((m) => m.channel === 'errors' && m.data.message === message, 15_000);
      }
    }
    // Anything published twice would have arrived by now.
    await sleep(1000);
    for (const [name, feed] of Object.entries(feeds)) {
      const seen = feed.messages
        .filter((m) => m.channel === 'pageviews' || m.channel === 'errors')
        .map((m) => `${m.channel}:${m.data.url ?? m.data.message}`)
        .sort();
      expect({ name, seen }).toEqual({
        name,
        seen: [
          'errors:failure 0',
          'errors:failure 1',
          `pageviews:${urls[0]}`,
          `pageviews:${urls[1]}`,
        ],
      });
    }
    // Both processes count the same live visitors (two pageviews, two sessions).
    await feeds.wsA.next((m) => m.channel === 'visitors' && m.data.count === 2);
    await feeds.sseB.next((m) => m.channel === 'visitors' && m.data.count === 2);
  }, 60_000);

  it('delivers what a `receiver worker` process commits; the worker, which has no clients, reads no feed', async () => {
    const { secretKey } = a.info;
    const feed = await openWebSocket(a.info.url, { headers: { 'X-API-Key': secretKey } });
    clients.push(feed);
    await feed.next((m) => m.channel === 'hello');
    // This suite's readers: their connection names start with its Redis prefix.
    const readers = async () =>
      String(await redis.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${shared.RECEIVER_REDIS_PREFIX}realtime-reader:`))
        .length;
    const before = await readers();
    // B stops (with clients of the first test connected): only the worker process writes now.
    b.child.kill('SIGTERM');
    await b.exited;
    const worker = startWorker({
      ...shared,
      RECEIVER_DATABASE_URL: databaseUrl,
      RECEIVER_ADMIN_KEY: 'process-admin-key',
      RECEIVER_IP_HASH_SALT: 'process-salt',
    });
    const workerExited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      const error = await fetch(`${a.info.url}/api/track/error.php`, {
        method: 'POST',
        headers: { ...testHeaders(secretKey), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'written by the worker process' }),
      });
      expect(error.status).toBe(202);
      // The worker boots meanwhile (a few seconds, more on a busy machine) and then writes it.
      await feed.next(
        (m) => m.channel === 'errors' && m.data.message === 'written by the worker process',
        45_000,
      );
      // B's reader left with B; the worker opened none.
      expect(await readers()).toBe(before - 1);
    } finally {
      worker.kill('SIGTERM');
      await workerExited;
    }
  }, 90_000);
});
