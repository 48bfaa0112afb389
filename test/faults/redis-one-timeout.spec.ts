import { createReceiverApp, type ReceiverApp, type TestResponse } from '../support/receiver-app';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import {
  browserHeaders,
  createProject,
  pageviewBody,
  type TestProject,
} from '../tracking/tracking-fixtures';

/**
 * Long enough that one timeout plus an inline SQLite commit stays far below two timeouts, and
 * that the circuit (open for one timeout after the failure) is still open for the next request
 * on a loaded machine.
 */
const COMMAND_TIMEOUT_MS = 2_000;
/** Halfway between one and two command timeouts: the first is the fault, the second a bug. */
const ONE_TIMEOUT_BOUND_MS = COMMAND_TIMEOUT_MS * 1.5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The first request into a frozen Redis (SIGSTOP) on each request path that uses it several
 * times (tracking: rate limit then queue, on two connections; errors: rate limit, queue, cache
 * invalidation after commit; analytics: rate limit, cache read, cache write) waits out ONE
 * `redisCommandTimeoutMs`, not one per Redis use: the first command that times out tells every
 * other use of that Redis server to skip it.
 */
describe('Redis frozen: one command timeout per request', () => {
  let redis: PrivateRedis;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let seq = 0;

  // Browser headers (no test hook): the rate limit runs, on Redis.
  const headers = (key: string) =>
    browserHeaders(key, { 'X-Forwarded-For': `10.1.${seq++ % 250}.1` });
  const paths: Record<string, () => Promise<TestResponse>> = {
    pageview: () =>
      receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody({ url: `https://shop.example.com/p${seq}` }),
        headers(project.publicKey),
      ),
    error: () =>
      receiver.http.post(
        '/api/track/error.php',
        { message: `broken ${seq}` },
        headers(project.secretKey),
      ),
    analytics: () =>
      receiver.http.get(
        `/api/analytics/visitors.php?range=7d&n=${seq}`,
        headers(project.secretKey),
      ),
  };
  const timed = async (send: () => Promise<TestResponse>) => {
    const started = Date.now();
    const res = await send();
    return { status: res.status, ms: Date.now() - started };
  };
  /** Redis answers again, and the receiver knows it (health's PING closes the circuit). */
  const answering = async () => {
    for (let i = 0; i < 100; i++) {
      const health = await receiver.http.get('/api/health.php');
      if (health.body.checks.valkey?.status === 'ok') return;
      await sleep(200);
    }
    throw new Error('Redis not answering again');
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
    redis?.thaw();
    await receiver?.close();
    await redis?.close();
    await database?.drop();
  });

  it.each(Object.keys(paths))(
    'answers the first %s request within one command timeout',
    async (name) => {
      const send = paths[name]!;
      const expected = name === 'analytics' ? 200 : 202;
      // Warm: the project key, the first pageview's salt and the stream exist before the freeze.
      expect((await send()).status).toBe(expected);
      await answering();
      redis.freeze();
      try {
        const first = await timed(send);
        // The circuit is open: the next ones skip Redis at once.
        const next = await timed(send);
        // Past the circuit's pause (one timeout after the failure, which happened during `first`):
        // one request probes Redis again, and waits one timeout.
        await sleep(COMMAND_TIMEOUT_MS + 200);
        const probe = await timed(send);
        expect([first.status, next.status, probe.status]).toEqual([expected, expected, expected]);
        expect(first.ms).toBeLessThan(ONE_TIMEOUT_BOUND_MS);
        expect(next.ms).toBeLessThan(COMMAND_TIMEOUT_MS);
        expect(probe.ms).toBeLessThan(ONE_TIMEOUT_BOUND_MS);
      } finally {
        redis.thaw();
      }
    },
    60_000,
  );
});
