import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditService } from '../../lib';
import {
  AuditLogEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
} from '../../receiver/storage/entities';
import { eventually } from '../support/eventually';
import { ADAPTERS, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import {
  createIsolatedDatabase,
  describeWithRedis,
  type IsolatedDatabase,
  redisUrl,
} from '../support/services';
import { createProject, dataSourceOf, type TestProject } from '../tracking/tracking-fixtures';
import { type CaptureApp, createCaptureApp, Refunds } from './capture-app.fixture';

const actorFromHeader = (request: unknown) =>
  (request as { headers?: Record<string, string> } | undefined)?.headers?.['x-user'];

describe.each(ADAPTERS)('error capture in a Nest app on %s → receiver', (adapter) => {
  let db: IsolatedDatabase;
  let receiver: ReceiverApp;
  let project: TestProject;
  let client: CaptureApp;

  const groups = () =>
    dataSourceOf(receiver.app)
      .getRepository(ErrorGroupEntity)
      .find({ where: { project_id: project.id }, order: { id: 'ASC' } });
  const eventsOf = (groupId: number) =>
    dataSourceOf(receiver.app)
      .getRepository(ErrorEventEntity)
      .find({ where: { group_id: groupId }, order: { id: 'ASC' } });
  const audits = () =>
    dataSourceOf(receiver.app)
      .getRepository(AuditLogEntity)
      .find({ where: { project_id: project.id }, order: { id: 'ASC' } });
  const groupNamed = async (message: string) =>
    (await eventually(groups, (all) => all.some((g) => g.message === message))).find(
      (g) => g.message === message,
    );

  beforeAll(async () => {
    db = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({ adapter: 'fastify', database: db.options });
    project = await createProject(receiver.app);
    client = await createCaptureApp(adapter, {
      receiverUrl: receiver.url,
      projectKey: project.secretKey,
      environment: 'staging',
      actor: actorFromHeader,
      coalesceWindow: 2_000,
      sendInterval: 1,
    });
  });
  afterAll(async () => {
    await client?.close();
    await receiver?.close();
    await db?.drop();
  });

  it('a controller error becomes an error group with its top frame, route, redacted URL, request id and actor', async () => {
    const res = await fetch(`${client.url}/orders/42?token=abc123&page=2&API_KEY=k`, {
      headers: { 'x-request-id': 'req-42', 'x-user': 'alice@example.com' },
    });
    // Nest's own answer, untouched by the capture.
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ statusCode: 500, message: 'Internal server error' });

    const group = await groupNamed('order store exploded');
    expect(group).toMatchObject({
      error_type: 'Error',
      severity: 'error',
      environment: 'staging',
      status: 'open',
      occurrence_count: 1,
    });
    expect(group!.file).toBe(join('test', 'errors', 'capture-app.fixture.ts'));
    expect(group!.line).toBeGreaterThan(0);
    const [event] = await eventsOf(group!.id);
    expect(event.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/orders\/42\?token=\[redacted\]&page=2&API_KEY=\[redacted\]$/,
    );
    expect(event.stack_trace).toContain('order store exploded');
    expect(event.context).toEqual({
      source: 'http',
      method: 'GET',
      route: '/orders/:id',
      handler: 'ShopController.order',
      request_id: 'req-42',
      actor: 'alice@example.com',
    });
  });

  it("reports 5xx HttpExceptions and errors the app's own filter handles, skips 4xx, and every answer stays the app's", async () => {
    const missing = await fetch(`${client.url}/missing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      statusCode: 404,
      message: 'no such thing',
      error: 'Not Found',
    });
    const unavailable = await fetch(`${client.url}/unavailable`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({ statusCode: 503, message: 'maintenance' });
    const pay = await fetch(`${client.url}/pay`);
    expect(pay.status).toBe(402);
    expect(await pay.json()).toEqual({ declined: true, reason: 'card expired' });

    const declined = await groupNamed('payment declined: card expired');
    expect(declined).toMatchObject({ error_type: 'PaymentDeclined', severity: 'error' });
    const maintenance = await groupNamed('maintenance');
    expect(maintenance).toMatchObject({ error_type: 'HttpException' });
    const [event] = await eventsOf(maintenance!.id);
    expect(event.context).toMatchObject({ status: 503, route: '/unavailable' });
    expect((await groups()).map((g) => g.message)).not.toContain('no such thing');
  });

  it('coalesces a burst of one error: 300 failures, two requests — the first, then one counting the repeats; the receiver counts all 300', async () => {
    // A window longer than the test: the repeats leave when the app shuts down (which flushes them).
    const bursty = await createCaptureApp(adapter, {
      receiverUrl: receiver.url,
      projectKey: project.secretKey,
      coalesceWindow: 600_000,
    });
    const total = 300;
    try {
      for (let sent = 0; sent < total; sent += 50) {
        const batch = Array.from({ length: 50 }, () =>
          fetch(`${bursty.url}/burst?n=1`).then((r) => r.status),
        );
        expect(new Set(await Promise.all(batch))).toEqual(new Set([500]));
      }
    } finally {
      await bursty.close();
    }
    const group = await groupNamed('burst failure');
    const events = await eventually(
      () => eventsOf(group!.id),
      (all) => all.length >= 2,
    );
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.occurrences)).toEqual([1, total - 1]);
    expect((await groupNamed('burst failure'))!.occurrence_count).toBe(total);
    const trend = await receiver.http.get(
      `/api/analytics/errors-trend.php?range=7d&group_id=${group!.id}`,
      {
        'X-API-Key': project.secretKey,
      },
    );
    expect(trend.body.data.total_occurrences).toBe(total);
    expect(events[0].context).not.toHaveProperty('occurrences');
    expect(events[1].context).toMatchObject({
      source: 'http',
      route: '/burst',
      occurrences: total - 1,
      first_seen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_seen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('audits through AuditService and @Audited on a controller and a service; a failed call audits nothing', async () => {
    const res = await fetch(`${client.url}/refunds/abc`, {
      method: 'POST',
      headers: { 'x-user': 'carol' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ amount: 30 });
    const refunds = client.app.get(Refunds);
    expect(() => refunds.failingRefund()).toThrow('refund impossible');
    expect(await client.app.get(AuditService).log('user.login', 'bob', { country: 'CH' })).toBe(
      true,
    );
    const entries = await eventually(audits, (all) => all.length >= 3);
    const byAction = Object.fromEntries(entries.map((a) => [a.action, a]));
    expect(byAction['order.refunded']).toMatchObject({
      actor: 'controller',
      context: { orderId: 'abc', amount: 30 },
    });
    expect(byAction['refund.requested']).toMatchObject({ actor: 'carol', context: null });
    expect(byAction['user.login']).toMatchObject({ actor: 'bob', context: { country: 'CH' } });
    expect(byAction['order.refund_failed']).toBeUndefined();
  });
});

describe.each(ADAPTERS)(
  'error reports of an app on %s wait in the durable outbox while the receiver is down',
  (adapter) => {
    let db: IsolatedDatabase;
    let dir: string;
    afterAll(async () => {
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a report made during an outage survives the client restart and is delivered once the receiver is back', async () => {
      db = await createIsolatedDatabase('sqlite');
      dir = mkdtempSync(join(tmpdir(), 'capture-outbox-'));
      let receiver = await createReceiverApp({ adapter: 'fastify', database: db.options });
      const project = await createProject(receiver.app);
      const port = Number(new URL(receiver.url).port);
      await receiver.close();

      const errors = {
        receiverUrl: `http://127.0.0.1:${port}`,
        projectKey: project.secretKey,
        sendInterval: 1,
      };
      const options = { store: 'file', storePath: join(dir, 'outbox.json'), shutdownTimeout: 500 };
      const first = await createCaptureApp(adapter, errors, options);
      expect((await fetch(`${first.url}/orders/7`)).status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a send attempt fails meanwhile
      await first.close();

      receiver = await createReceiverApp({ adapter: 'fastify', database: db.options, port });
      const second = await createCaptureApp(adapter, errors, options);
      // Thrown while the receiver is back but before the backlog left: delivered after it, in order.
      expect((await fetch(`${second.url}/pay`)).status).toBe(402);
      try {
        const stored = await eventually(
          () =>
            dataSourceOf(receiver.app)
              .getRepository(ErrorGroupEntity)
              .find({ where: { project_id: project.id }, order: { id: 'ASC' } }),
          (all) => all.length > 1,
        );
        expect(stored.map((g) => g.message)).toEqual([
          'order store exploded',
          'payment declined: card expired',
        ]);
      } finally {
        await second.close();
        await receiver.close();
      }
    });
  },
);

describeWithRedis('error reports in a Redis outbox', () => {
  it('are kept under their own keys while the receiver is down, apart from telemetry, and delivered after', async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl()!);
    const host = `capture-${Date.now().toString(36)}`;
    const db = await createIsolatedDatabase('sqlite');
    let receiver = await createReceiverApp({ adapter: 'fastify', database: db.options });
    const project = await createProject(receiver.app);
    const port = Number(new URL(receiver.url).port);
    await receiver.close();
    const client = await createCaptureApp(
      'fastify',
      { receiverUrl: `http://127.0.0.1:${port}`, projectKey: project.secretKey, sendInterval: 1 },
      { store: redisUrl(), host, shutdownTimeout: 500 },
    );
    try {
      expect((await fetch(`${client.url}/orders/9`)).status).toBe(500);
      const queued = await eventually(
        () => redis.zcard(`telemetry:${host}:errors:queue`),
        (n) => n === 1,
      );
      expect(queued).toBe(1);
      expect(await redis.zcard(`telemetry:${host}:queue`)).toBe(0);
      receiver = await createReceiverApp({ adapter: 'fastify', database: db.options, port });
      const stored = await eventually(
        () =>
          dataSourceOf(receiver.app)
            .getRepository(ErrorGroupEntity)
            .find({ where: { project_id: project.id } }),
        (all) => all.length > 0,
      );
      expect(stored.map((g) => g.message)).toEqual(['order store exploded']);
      expect(
        await eventually(
          () => redis.zcard(`telemetry:${host}:errors:queue`),
          (n) => n === 0,
        ),
      ).toBe(0);
    } finally {
      await client.close();
      await receiver.close();
      await db.drop();
      const keys = await redis.keys(`telemetry:${host}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
