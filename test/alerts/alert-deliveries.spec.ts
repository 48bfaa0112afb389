import { RecordingServer } from '../support/recording-server';
import { adminHeaders, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { createProject, type TestProject } from '../tracking/tracking-fixtures';
import { eventually } from '../support/eventually';
import { bodiesOn, createRule, sendError, signedWith, sleep, waitForHooks } from './alert-fixtures';

describe('alert deliveries [sqlite]', () => {
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  const hooks = new RecordingServer();

  beforeAll(async () => {
    await hooks.start();
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: { alerts: { intervalSeconds: 1, retryBaseSeconds: 1 } },
    });
    project = await createProject(receiver.app);
  });

  afterAll(async () => {
    await receiver?.close();
    await hooks.stop();
    await database?.drop();
  });

  it('retries after 500s with backoff until the endpoint answers 2xx, signed each time', async () => {
    let calls = 0;
    hooks.respond((request) =>
      request.path === '/flaky' && ++calls <= 2 ? { status: 500, body: 'down' } : { status: 200 },
    );
    const rule = await createRule(receiver.http, project.id, hooks.url, 'flaky', {
      kind: 'regression',
    });
    const test = await receiver.http.post(`/api/alerts/rules/${rule.id}/test`, {}, adminHeaders());
    const requests = await waitForHooks(hooks, 'flaky', 3, 30_000);
    expect(requests).toHaveLength(3);
    expect(requests.every((request) => signedWith(request, rule.secret))).toBe(true);
    expect(new Set(requests.map((r) => r.headers['x-alert-delivery']))).toEqual(
      new Set([String(test.body.data.delivery_id)]),
    );
    const log = await eventually(
      async () =>
        (
          await receiver.http.get(
            `/api/alerts/deliveries?project=${project.id}&rule=${rule.id}`,
            adminHeaders(),
          )
        ).body.data.deliveries,
      (rows: Array<{ status: string }>) => rows[0]?.status === 'delivered',
    );
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 3, response_status: 200 });
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
    await createRule(receiver.http, project.id, hooks.url, 'storm', {
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
  });
});
