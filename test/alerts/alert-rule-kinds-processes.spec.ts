import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { RECEIVER_ENTITIES } from '../../receiver/storage/entities';
import { seedVisit } from '../lifecycle/lifecycle-fixtures';
import { eventually } from '../support/eventually';
import { RecordingServer } from '../support/recording-server';
import { TestHttp } from '../support/receiver-app';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import {
  createIsolatedDatabase,
  describeWithRedis,
  type IsolatedDatabase,
  postgresUrl,
  redisUrl,
  uniqueRedisPrefix,
} from '../support/services';
import { testHeaders } from '../tracking/tracking-fixtures';
import {
  bodiesOn,
  createRule,
  seedHost,
  sendError,
  signedWith,
  sleep,
  waitForHooks,
} from './alert-fixtures';

const ADMIN = { 'X-Admin-Key': 'process-admin-key' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const describeWithPostgresAndRedis = postgresUrl() ? describeWithRedis : describe.skip;

// Two receiver processes on one PostgreSQL database and one Redis, both running queue workers
// and the alerts timer (1 s), with a rule of every kind: each event is evaluated by whichever worker took it, each time slot
// by whichever process claimed it — and every occurrence reaches the webhook exactly once.
describeWithPostgresAndRedis(
  'alert rules fire once across 2 receiver processes [postgres, redis]',
  () => {
    let dir: string;
    let database: IsolatedDatabase;
    let db: DataSource;
    let a: ReceiverProcess;
    let b: ReceiverProcess;
    const hooks = new RecordingServer();

    beforeAll(async () => {
      await hooks.start();
      dir = mkdtempSync(join(tmpdir(), 'alerts-processes-'));
      database = await createIsolatedDatabase('postgres');
      const url = (database.options as { url: string }).url;
      const env = {
        RECEIVER_REDIS_URL: redisUrl()!,
        RECEIVER_REDIS_PREFIX: uniqueRedisPrefix('alerts'),
        RECEIVER_QUEUE: 'redis',
        RECEIVER_ALERTS_INTERVAL_SECONDS: '1',
        RECEIVER_ALERTS_RETRY_BASE_SECONDS: '1',
      };
      // One after the other: the first creates the schema and the project, the second finds them.
      a = await startReceiverProcess(url, env);
      b = await startReceiverProcess(url, env);
      db = await new DataSource({ ...database.options, entities: RECEIVER_ENTITIES }).initialize();
    }, 60_000);

    afterAll(async () => {
      for (const process of [a, b]) {
        process?.child.kill('SIGTERM');
        await process?.exited;
      }
      await db?.destroy();
      await hooks.stop();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    it('every rule kind: one firing per occurrence, one signed message per delivery', async () => {
      const { projectId, secretKey } = a.info;
      expect(b.info.projectId).toBe(projectId);
      const http = [new TestHttp(a.info.url), new TestHttp(b.info.url)];
      const rules = {
        newGroup: await createRule(
          http[0],
          projectId,
          hooks.url,
          'new-group',
          {
            kind: 'new_error_group',
          },
          ADMIN,
        ),
        regression: await createRule(
          http[1],
          projectId,
          hooks.url,
          'regression',
          {
            kind: 'regression',
          },
          ADMIN,
        ),
        threshold: await createRule(
          http[0],
          projectId,
          hooks.url,
          'threshold',
          {
            kind: 'error_threshold',
            conditions: { count: 3, window_minutes: 60, severity: 'critical' },
          },
          ADMIN,
        ),
      };

      // The same new error through both processes at once: one group, one firing.
      await Promise.all(
        http.map((h) => sendError(h, secretKey, { message: 'boom', error_type: 'TypeError' })),
      );
      // Threshold: 3 critical events of one group, split over the processes, then one more.
      for (let i = 0; i < 4; i++) {
        await sendError(http[i % 2], secretKey, { message: 'db down', severity: 'critical' });
      }
      // Regression: a group resolved, then seen again through the other process.
      await sendError(http[0], secretKey, { message: 'comes back' });
      const group = await eventually(
        async () =>
          (await db.query("SELECT id FROM error_groups WHERE message = 'comes back'"))[0] as
            { id: number } | undefined,
        (row) => row !== undefined,
      );
      const resolved = await http[1].post(
        '/api/track/errors-update-status',
        { ids: [Number(group!.id)], status: 'resolved' },
        testHeaders(secretKey),
      );
      expect(resolved.status).toBe(200);
      await sendError(http[1], secretKey, { message: 'comes back' });

      // The time-based kinds, which both timers evaluate every second: host stale, a value over its
      // threshold for long enough, a traffic spike against the same hour of the previous week.
      const now = Date.now();
      await seedHost(db, projectId, 'web-silent', new Date(now - 20 * MINUTE), [[20, 10]]);
      await seedHost(db, projectId, 'web-hot', new Date(now), [
        [30, 50],
        [12, 95],
        [6, 97],
        [0, 99],
      ]);
      const lastHour = Math.floor(now / HOUR) * HOUR - HOUR;
      const at = (offset: number) => new Date(lastHour + 30 * MINUTE + offset);
      await seedVisit(
        db,
        projectId,
        Array.from({ length: 8 }, (_, i) => at(i * 1000)),
      );
      await seedVisit(db, projectId, [at(-7 * 24 * HOUR), at(-7 * 24 * HOUR + 1000)]);
      const timeRules = {
        stale: await createRule(
          http[1],
          projectId,
          hooks.url,
          'stale',
          { kind: 'host_stale', conditions: { minutes: 10 } },
          ADMIN,
        ),
        hot: await createRule(
          http[0],
          projectId,
          hooks.url,
          'hot',
          {
            kind: 'telemetry_value',
            conditions: { key: 'cpu', comparison: '>', value: 90, for_minutes: 10 },
          },
          ADMIN,
        ),
        spike: await createRule(
          http[1],
          projectId,
          hooks.url,
          'spike',
          {
            kind: 'traffic_anomaly',
            conditions: { direction: 'spike', percent: 200, weeks: 1, min_pageviews: 1 },
          },
          ADMIN,
        ),
      };

      await waitForHooks(hooks, 'regression');
      await waitForHooks(hooks, 'threshold');
      await waitForHooks(hooks, 'stale');
      await waitForHooks(hooks, 'hot');
      await waitForHooks(hooks, 'spike');
      await eventually(
        async () => bodiesOn(hooks, 'new-group').flatMap((body) => body.firings),
        (firings) => firings.length >= 3,
      );
      await sleep(4000); // several more ticks of both processes: nothing fires again

      const firings = (path: string) =>
        bodiesOn(hooks, path).flatMap((body) => body.firings.map((firing) => firing.title));
      expect(firings('new-group').sort()).toEqual([
        'New error group: TypeError: boom',
        'New error group: Unknown: comes back',
        'New error group: Unknown: db down',
      ]);
      expect(firings('regression')).toEqual([
        'Regression (resolved group recurs): Unknown: comes back',
      ]);
      expect(firings('threshold')).toHaveLength(1);
      expect(bodiesOn(hooks, 'threshold')[0].firings[0].details).toMatchObject({ count: 3 });
      expect(
        bodiesOn(hooks, 'stale').flatMap((body) => body.firings.map((f) => f.details.host)),
      ).toEqual(['web-silent']);
      expect(
        bodiesOn(hooks, 'hot').flatMap((body) => body.firings.map((f) => f.details.host)),
      ).toEqual(['web-hot']);
      expect(firings('spike')).toHaveLength(1);

      // One request per message: every delivery id once, each signed with its rule's secret.
      const secrets: Record<string, string> = {
        '/new-group': rules.newGroup.secret,
        '/regression': rules.regression.secret,
        '/threshold': rules.threshold.secret,
        '/stale': timeRules.stale.secret,
        '/hot': timeRules.hot.secret,
        '/spike': timeRules.spike.secret,
      };
      const requests = hooks.requests.filter((request) => request.path in secrets);
      const ids = requests.map((request) => request.headers['x-alert-delivery']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(requests.every((request) => signedWith(request, secrets[request.path]))).toBe(true);
    }, 90_000);
  },
);
