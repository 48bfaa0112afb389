import { adminHeaders, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { describeEachEngine, type IsolatedDatabase } from '../support/services';
import type { TestProject } from '../tracking/tracking-fixtures';
import { eventually } from '../support/eventually';
import {
  bodiesOn,
  createRule,
  FAST_ALERTS,
  sendError,
  signedWith,
  sleep,
  useAlertsReceiver,
  waitForHooks,
} from './alert-fixtures';

interface LoggedDelivery {
  id: number;
  status: string;
  attempts: number;
  response_status: number | null;
  next_attempt_at: string | null;
}

describeEachEngine('alert deliveries', (engine) => {
  const alerts = useAlertsReceiver(engine);
  const { hooks } = alerts;
  let receiver: ReceiverApp;
  let project: TestProject;
  let database: IsolatedDatabase;

  const deliveryLog = async (query: string, on: ReceiverApp = receiver) =>
    (await on.http.get(`/api/alerts/deliveries?project=${project.id}&${query}`, adminHeaders()))
      .body.data.deliveries as LoggedDelivery[];

  beforeAll(() => {
    ({ receiver, project, database } = alerts);
  });

  it('retries after 500s with growing backoff until the endpoint answers 2xx, signed each time', async () => {
    const sentAt: number[] = [];
    let healthy = false;
    hooks.respond((request) => {
      if (request.path !== '/flaky') return { status: 200 };
      sentAt.push(Date.now());
      return healthy ? { status: 200 } : { status: 500, body: 'down' };
    });
    const rule = await createRule(receiver.http, project.id, hooks.url, 'flaky', {
      kind: 'regression',
    });
    const test = await receiver.http.post(`/api/alerts/rules/${rule.id}/test`, {}, adminHeaders());
    // Base 1 s, doubled per attempt, with 50–100 % jitter: after the n-th refused attempt the
    // next one is due no sooner than 0.5 s · 2^(n-1) after it (on every engine, MariaDB's
    // whole-second DATETIME included).
    for (const least of [1, 2]) {
      const [pending] = await eventually(
        () => deliveryLog(`rule=${rule.id}`),
        (rows) => rows[0]?.attempts >= least,
      );
      expect(pending).toMatchObject({ status: 'pending', response_status: 500 });
      const refusedAt = sentAt[pending.attempts - 1];
      expect(Date.parse(pending.next_attempt_at!) - refusedAt).toBeGreaterThanOrEqual(
        500 * 2 ** (pending.attempts - 1),
      );
    }
    healthy = true;
    const log = await eventually(
      () => deliveryLog(`rule=${rule.id}`),
      (rows) => rows[0]?.status === 'delivered',
      20_000,
    );
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'delivered', response_status: 200 });
    const requests = hooks.on('/flaky');
    expect(requests).toHaveLength(log[0].attempts);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.every((request) => signedWith(request, rule.secret))).toBe(true);
    expect(new Set(requests.map((r) => r.headers['x-alert-delivery']))).toEqual(
      new Set([String(test.body.data.delivery_id)]),
    );
  });

  it('sends Slack and Discord incoming-webhook shapes', async () => {
    hooks.respond(() => ({ status: 200 }));
    for (const channel of ['slack', 'discord']) {
      const rule = await createRule(receiver.http, project.id, hooks.url, channel, {
        kind: 'new_error_group',
        channel,
      });
      await receiver.http.post(`/api/alerts/rules/${rule.id}/test`, {}, adminHeaders());
    }
    await waitForHooks(hooks, 'slack');
    await waitForHooks(hooks, 'discord');
    const slack = JSON.parse(hooks.on('/slack')[0].raw.toString()) as Record<string, unknown>;
    expect(slack).toEqual({
      text: expect.stringContaining('[slack] Test message'),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: expect.any(String) } }],
    });
    const discord = JSON.parse(hooks.on('/discord')[0].raw.toString()) as Record<string, unknown>;
    expect(discord).toEqual({
      content: expect.stringContaining('**discord**'),
      embeds: [
        {
          title: 'discord',
          description: expect.any(String),
          color: expect.any(Number),
          timestamp: expect.any(String),
        },
      ],
    });
  });

  it('groups a storm of new errors into one message and holds the rest for the cooldown', async () => {
    hooks.respond(() => ({ status: 200 }));
    const rule = await createRule(receiver.http, project.id, hooks.url, 'storm', {
      kind: 'new_error_group',
      cooldown_seconds: 3600,
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sendError(receiver.http, project.secretKey, { message: `storm ${i}` }),
      ),
    );
    await waitForHooks(hooks, 'storm');
    await sleep(3000);
    const bodies = bodiesOn(hooks, 'storm');
    expect(bodies).toHaveLength(1);
    expect(bodies[0].count).toBeGreaterThanOrEqual(1);
    expect(bodies[0].firings.length).toBeLessThanOrEqual(20);
    // The groups that came after the message wait for the cooldown: still no second delivery.
    expect(await deliveryLog(`rule=${rule.id}`)).toHaveLength(1);
  });

  it('sends what the cooldown held as one message once it ends, not before', async () => {
    hooks.respond(() => ({ status: 200 }));
    const rule = await createRule(receiver.http, project.id, hooks.url, 'cooldown', {
      kind: 'new_error_group',
      cooldown_seconds: 4,
    });
    await sendError(receiver.http, project.secretKey, { message: 'cooldown first' });
    await waitForHooks(hooks, 'cooldown');
    const firstAt = Date.now();
    await sendError(receiver.http, project.secretKey, { message: 'cooldown second' });
    await sendError(receiver.http, project.secretKey, { message: 'cooldown third' });
    const [, held] = await waitForHooks(hooks, 'cooldown', 2);
    expect(held).toBeDefined();
    // The second message waited for the cooldown (4 s after the first was created).
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(2000);
    const bodies = bodiesOn(hooks, 'cooldown');
    expect(bodies[0].firings.map((f) => f.title)).toEqual([
      'New error group: Unknown: cooldown first',
    ]);
    expect(bodies[1]).toMatchObject({ count: 2 });
    expect(bodies[1].firings.map((f) => f.title).sort()).toEqual([
      'New error group: Unknown: cooldown second',
      'New error group: Unknown: cooldown third',
    ]);
    expect(await deliveryLog(`rule=${rule.id}`)).toHaveLength(2);
  });

  it('sends each delivery once when two receivers share the database', async () => {
    const second = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: FAST_ALERTS,
    });
    try {
      // Every delivery is refused once, so each is leased twice, by whichever receiver gets it.
      const refused = new Set<string>();
      hooks.respond((request) => {
        if (request.path !== '/shared') return { status: 200 };
        const id = String(request.headers['x-alert-delivery']);
        if (refused.has(id)) return { status: 200 };
        refused.add(id);
        return { status: 500 };
      });
      const rule = await createRule(receiver.http, project.id, hooks.url, 'shared', {
        kind: 'regression',
      });
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const on = i % 2 === 0 ? receiver : second;
        const res = await on.http.post(`/api/alerts/rules/${rule.id}/test`, {}, adminHeaders());
        ids.push(String(res.body.data.delivery_id));
      }
      const log = await eventually(
        () => deliveryLog(`rule=${rule.id}`, second),
        (rows) => rows.length === 12 && rows.every((row) => row.status === 'delivered'),
        45_000,
      );
      expect(log.map((row) => row.attempts)).toEqual(Array(12).fill(2));
      const perDelivery = new Map<string, number>();
      for (const request of hooks.on('/shared')) {
        const id = String(request.headers['x-alert-delivery']);
        perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
      }
      expect([...perDelivery.keys()].sort()).toEqual([...ids].sort());
      expect([...perDelivery.values()]).toEqual(Array(12).fill(2));
    } finally {
      await second.close();
    }
  }, 60_000);
});
