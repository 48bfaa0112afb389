import { RealtimeTokensService } from '../../receiver/realtime/realtime-tokens.service';
import { watchLoggedLines } from '../support/logged-lines';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { createProject, testHeaders, type TestProject } from '../tracking/tracking-fixtures';
import { openEventStream, type FeedClient } from './realtime-clients';

/**
 * The realtime fan-out publishes every committed batch to Redis and delivers what it receives. When
 * Redis dies, this process's subscribers keep getting this process's events (a live feed degrades,
 * it does not stop), with one log line when publishing starts failing and one when it works again.
 */
describe('realtime fan-out while its Redis is down', () => {
  let redis: PrivateRedis;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let feed: FeedClient;
  const logged = watchLoggedLines();

  const reportError = async (message: string, timeoutMs = 10_000) => {
    const res = await receiver.http.post(
      '/api/track/error.php',
      { message },
      testHeaders(project.secretKey),
    );
    expect(res.status).toBe(202);
    return feed.next((m) => m.channel === 'errors' && m.data.message === message, timeoutMs);
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: { redis: redis.url, redisCommandTimeoutMs: 500, realtime: { enabled: true } },
    });
    project = await createProject(receiver.app);
    const token = receiver.app.get(RealtimeTokensService).mint(project.id, 600).token;
    feed = await openEventStream(receiver.url, { query: `token=${token}&channels=errors` });
    await feed.next((m) => m.channel === 'hello');
  }, 60_000);

  afterAll(async () => {
    logged.restore();
    feed?.close();
    await receiver?.close();
    await database?.drop();
    await redis?.close();
  });

  it('keeps delivering this process’s events, and says once when it degrades and once when it recovers', async () => {
    await reportError('through redis');
    expect(logged.count('warn', /could not publish/)).toBe(0);

    await redis.kill();
    for (let n = 0; n < 5; n++) await reportError(`redis down ${n}`);
    expect(logged.count('warn', /could not publish/)).toBe(1);

    await redis.start();
    // Until the subscriber has reconnected, a published event could reach nobody (the fallback
    // only delivers when publishing fails): report until one comes back through Redis.
    for (let n = 0; ; n++) {
      const message = `redis back ${n}`;
      const delivered = await reportError(message, 2_000).then(
        () => true,
        () => false,
      );
      if (delivered && logged.count('log', /publishes to Redis again/) > 0) break;
      if (n > 50) throw new Error('the fan-out never published to Redis again');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await reportError('after recovery');
    expect(logged.count('log', /publishes to Redis again/)).toBe(1);
    expect(logged.count('warn', /could not publish/)).toBe(1);
    // Each event reached the client once, whichever way it travelled.
    const errors = feed.messages.filter((m) => m.channel === 'errors').map((m) => m.data.message);
    expect(new Set(errors).size).toBe(errors.length);
  }, 90_000);
});
