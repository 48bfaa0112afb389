import type { DataSource } from 'typeorm';
import { seedVisit } from '../lifecycle/lifecycle-fixtures';
import type { ReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import { testHeaders, type TestProject } from '../tracking/tracking-fixtures';
import {
  bodiesOn,
  createRule,
  seedHost,
  sendError,
  signedWith,
  sleep,
  useAlertsReceiver,
  waitForHooks,
} from './alert-fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Every rule kind, each on its own webhook path, against one receiver per engine: each fires,
// and fires once however many ticks follow.
describeEachEngine('alert rules fire', (engine) => {
  const alerts = useAlertsReceiver(engine);
  const { hooks } = alerts;
  let receiver: ReceiverApp;
  let project: TestProject;
  let db: DataSource;

  beforeAll(() => {
    ({ receiver, project, db } = alerts);
  });

  it('new error group: one signed message per new group, none for a repeat', async () => {
    const rule = await createRule(receiver.http, project.id, hooks.url, 'new-group', {
      kind: 'new_error_group',
    });
    await sendError(receiver.http, project.secretKey, { message: 'boom', error_type: 'TypeError' });
    const [request] = await waitForHooks(hooks, 'new-group');
    expect(signedWith(request, rule.secret)).toBe(true);
    expect(signedWith(request, 'another-secret')).toBe(false);
    expect(request.headers['x-alert-delivery']).toMatch(/^\d+$/);
    expect(bodiesOn(hooks, 'new-group')[0]).toMatchObject({
      type: 'alert.fired',
      project_id: project.id,
      rule: { id: rule.id, kind: 'new_error_group' },
      count: 1,
      firings: [{ title: 'New error group: TypeError: boom', details: { severity: 'error' } }],
    });
    await sendError(receiver.http, project.secretKey, { message: 'boom', error_type: 'TypeError' });
    await sleep(2500);
    expect(hooks.on('/new-group')).toHaveLength(1);
  });

  it('regression: a resolved group that recurs', async () => {
    await createRule(receiver.http, project.id, hooks.url, 'regression', { kind: 'regression' });
    await sendError(receiver.http, project.secretKey, { message: 'comes back' });
    const [group] = await db.query("SELECT id FROM error_groups WHERE message = 'comes back'");
    const resolved = await receiver.http.post(
      '/api/track/errors-update-status',
      { ids: [Number(group.id)], status: 'resolved' },
      testHeaders(project.secretKey),
    );
    expect(resolved.status).toBe(200);
    await sleep(1500);
    expect(hooks.on('/regression')).toHaveLength(0);
    await sendError(receiver.http, project.secretKey, { message: 'comes back' });
    await waitForHooks(hooks, 'regression');
    expect(bodiesOn(hooks, 'regression')[0].firings[0].title).toBe(
      'Regression (resolved group recurs): Unknown: comes back',
    );
  });

  it('error threshold: N events of a group within the window, once per window', async () => {
    await createRule(receiver.http, project.id, hooks.url, 'threshold', {
      kind: 'error_threshold',
      conditions: { count: 3, window_minutes: 60, severity: 'critical' },
    });
    for (let i = 0; i < 3; i++) {
      await sendError(receiver.http, project.secretKey, {
        message: 'db down',
        severity: 'critical',
      });
    }
    await waitForHooks(hooks, 'threshold');
    expect(bodiesOn(hooks, 'threshold')[0].firings[0].details).toMatchObject({
      events: 3,
      count: 3,
      severity: 'critical',
    });
    await sendError(receiver.http, project.secretKey, { message: 'db down', severity: 'critical' });
    await sleep(2500);
    expect(hooks.on('/threshold')).toHaveLength(1);
  });

  it('traffic spike against the same hour of previous weeks', async () => {
    const lastHour = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
    const at = (offset: number) => new Date(lastHour + 30 * MINUTE + offset);
    await seedVisit(
      db,
      project.id,
      Array.from({ length: 8 }, (_, i) => at(i * 1000)),
    );
    await seedVisit(db, project.id, [at(-7 * 24 * HOUR), at(-7 * 24 * HOUR + 1000)]);
    await createRule(receiver.http, project.id, hooks.url, 'spike', {
      kind: 'traffic_anomaly',
      conditions: { direction: 'spike', percent: 200, weeks: 1, min_pageviews: 1 },
    });
    await createRule(receiver.http, project.id, hooks.url, 'drop', {
      kind: 'traffic_anomaly',
      conditions: { direction: 'drop', percent: 50, weeks: 1, min_pageviews: 1 },
    });
    await waitForHooks(hooks, 'spike');
    expect(bodiesOn(hooks, 'spike')[0].firings[0].details).toMatchObject({
      pageviews: 8,
      baseline: 2,
      change_percent: 300,
    });
    await sleep(2500);
    expect(hooks.on('/spike')).toHaveLength(1);
    expect(hooks.on('/drop')).toHaveLength(0);
  });

  it('telemetry host stale, and a value over its threshold for long enough', async () => {
    const now = Date.now();
    await seedHost(db, project.id, 'web-silent', new Date(now - 20 * MINUTE), [[20, 10]]);
    await seedHost(db, project.id, 'web-hot', new Date(now), [
      [30, 50],
      [12, 95],
      [6, 97],
      [0, 99],
    ]);
    await seedHost(db, project.id, 'web-warm', new Date(now), [
      [4, 50],
      [2, 95],
      [0, 96],
    ]);
    await createRule(receiver.http, project.id, hooks.url, 'stale', {
      kind: 'host_stale',
      conditions: { minutes: 10 },
    });
    await createRule(receiver.http, project.id, hooks.url, 'hot', {
      kind: 'telemetry_value',
      conditions: { key: 'cpu', comparison: '>', value: 90, for_minutes: 10 },
    });
    await waitForHooks(hooks, 'stale');
    await waitForHooks(hooks, 'hot');
    await sleep(2500);
    expect(bodiesOn(hooks, 'stale').flatMap((b) => b.firings.map((f) => f.details.host))).toEqual([
      'web-silent',
    ]);
    expect(bodiesOn(hooks, 'hot').flatMap((b) => b.firings.map((f) => f.details.host))).toEqual([
      'web-hot',
    ]);
  });
});
