import { Redis } from 'ioredis';
import { RealtimeFanout } from '../../receiver/realtime';
import { RealtimeTokensService } from '../../receiver/realtime/realtime-tokens.service';
import { watchLoggedLines } from '../support/logged-lines';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { createProject, testHeaders, type TestProject } from '../tracking/tracking-fixtures';
import { openEventStream, openWebSocket, type FeedClient } from './realtime-clients';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The realtime fan-out appends every committed batch to a Redis stream and delivers what it reads
 * there. When its reading connection drops, it reads on from where it was once reconnected, so
 * what was committed meanwhile still reaches its clients. When Redis dies, this process's
 * subscribers keep getting this process's events (a live feed degrades, it does not stop), with
 * one log line when publishing starts failing and one when it works again.
 */
describe('realtime fan-out while Redis or its connection to Redis is down', () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let token: string;
  let feed: FeedClient;
  const logged = watchLoggedLines();

  const commitError = async (message: string) => {
    const res = await receiver.http.post(
      '/api/track/error.php',
      { message },
      testHeaders(project.secretKey),
    );
    expect(res.status).toBe(202);
  };
  const reportError = async (message: string, timeoutMs = 10_000) => {
    await commitError(message);
    return feed.next((m) => m.channel === 'errors' && m.data.message === message, timeoutMs);
  };
  const errorsSeen = (client: FeedClient) =>
    client.messages.filter((m) => m.channel === 'errors').map((m) => String(m.data.message));

  /** Ids of the fan-out's reading connections (named `<prefix>realtime-reader:<process>`). */
  const readerConnections = async () => {
    const list = String(await admin.call('CLIENT', 'LIST'));
    return [...list.matchAll(/^id=(\d+) .*\bname=\S*realtime-reader:/gm)].map((match) => match[1]);
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: { redis: redis.url, redisCommandTimeoutMs: 500, realtime: { enabled: true } },
    });
    project = await createProject(receiver.app);
    token = receiver.app.get(RealtimeTokensService).mint(project.id, 600).token;
    feed = await openEventStream(receiver.url, { query: `token=${token}&channels=errors` });
    await feed.next((m) => m.channel === 'hello');
  }, 60_000);

  afterAll(async () => {
    logged.restore();
    feed?.close();
    await receiver?.close();
    await database?.drop();
    admin?.disconnect();
    await redis?.close();
  });

  it('brings every event committed while its reading connection reconnects to its SSE and WebSocket clients, once each', async () => {
    const ws = await openWebSocket(receiver.url, { query: `token=${token}&channels=errors` });
    try {
      await ws.next((m) => m.channel === 'hello');
      await reportError('before the reader is cut off');
      const committed: string[] = [];
      for (let round = 0; round < 4; round++) {
        // Redis accepts writes all along; only this process's reading connection is gone.
        const [reader, ...others] = await readerConnections();
        expect({ reader, others }).toEqual({ reader: expect.any(String), others: [] });
        await admin.call('CLIENT', 'KILL', 'ID', reader);
        for (let n = 0; n < 5; n++) {
          const message = `while reconnecting ${round}.${n}`;
          await commitError(message);
          committed.push(message);
        }
        while ((await readerConnections()).length === 0) await sleep(50);
      }
      // The stream keeps order: once this one arrived, everything committed before it has too.
      await commitError('after the reconnections');
      for (const client of [feed, ws]) {
        await client.next(
          (m) => m.channel === 'errors' && m.data.message === 'after the reconnections',
          15_000,
        );
        const seen = errorsSeen(client).filter((message) => message.startsWith('while'));
        expect(seen).toEqual(committed);
      }
      expect(logged.count('warn', /could not publish/)).toBe(0);
    } finally {
      ws.close();
    }
  }, 60_000);

  it('keeps delivering this process’s events, and says once when it degrades and once when it recovers', async () => {
    await reportError('through redis');
    expect(logged.count('warn', /could not publish/)).toBe(0);

    await redis.kill();
    for (let n = 0; n < 5; n++) await reportError(`redis down ${n}`);
    expect(logged.count('warn', /could not publish/)).toBe(1);

    await redis.start();
    // Each event reaches the client, whether it was published before or after the reading
    // connection reconnected (before, it waits in the stream): report until publishing is back.
    for (let n = 0; logged.count('log', /publishes to Redis again/) === 0; n++) {
      if (n > 50) throw new Error('the fan-out never published to Redis again');
      await reportError(`redis back ${n}`);
      await sleep(100);
    }
    await reportError('after recovery');
    expect(logged.count('log', /publishes to Redis again/)).toBe(1);
    expect(logged.count('warn', /could not publish/)).toBe(1);
    // Each event reached the client once, whichever way it travelled ('after recovery' came
    // through the stream, after everything published before it).
    const errors = errorsSeen(feed);
    expect(new Set(errors).size).toBe(errors.length);
  }, 90_000);

  it('delivers an alert once when Redis stored it after its append timed out and it was delivered locally', async () => {
    const alerts = await openWebSocket(receiver.url, { query: `token=${token}&channels=alerts` });
    const fanout = receiver.app.get(RealtimeFanout);
    const publish = (message: string) =>
      fanout.publishAlert({
        projectId: project.id,
        ruleId: 1,
        kind: 'test',
        message,
        firedAt: Date.now(),
      });
    const received = (message: string) =>
      alerts.next((m) => m.channel === 'alerts' && m.data.message === message, 10_000);
    try {
      await alerts.next((m) => m.channel === 'hello');
      const failures = logged.count('warn', /could not publish/);
      const recoveries = logged.count('log', /publishes to Redis again/);

      // Frozen, Redis takes the XADD into its socket buffer and answers nothing: the append times
      // out and the alert goes to this process's clients at once; thawed, Redis stores it.
      redis.freeze();
      try {
        publish('stored late');
        await received('stored late');
        expect(logged.count('warn', /could not publish/)).toBe(failures + 1);
      } finally {
        redis.thaw();
      }
      // Until the circuit lets appends through again, alerts are delivered locally: publish until
      // one went through the stream, after the one stored late.
      for (let n = 0; logged.count('log', /publishes to Redis again/) === recoveries; n++) {
        if (n > 50) throw new Error('the fan-out never published to Redis again');
        publish(`after thawing ${n}`);
        await received(`after thawing ${n}`);
        await sleep(100);
      }
      publish('through the stream');
      await received('through the stream');

      const [key] = await admin.keys('*realtime:stream');
      const stored = await admin.xrange(key, '-', '+');
      expect(stored.some(([, fields]) => fields.join(' ').includes('stored late'))).toBe(true);
      const delivered = alerts.messages.filter(
        (m) => m.channel === 'alerts' && m.data.message === 'stored late',
      );
      expect(delivered).toHaveLength(1);
    } finally {
      alerts.close();
    }
  }, 60_000);
});
