import { RealtimeTokensService } from '../../receiver/realtime/realtime-tokens.service';
import { RealtimeFanout } from '../../receiver/realtime';
import { bodiesOn, createRule, waitForHooks } from '../alerts/alert-fixtures';
import { RecordingServer } from '../support/recording-server';
import { adminHeaders, describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject, pageviewBody, testHeaders } from '../tracking/tracking-fixtures';
import { openEventStream, openWebSocket, type FeedClient } from './realtime-clients';

describeEachAdapter('realtime feeds', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { realtime: { enabled: true }, alerts: { intervalSeconds: 1 } },
  });
  const clients: FeedClient[] = [];
  const hooks = new RecordingServer();
  beforeAll(() => hooks.start());
  afterAll(() => hooks.stop());
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  async function mintToken(projectId: number, ttl?: number): Promise<string> {
    const response = await receiver.http.post(
      '/api/realtime/tokens',
      { project_id: projectId, ...(ttl === undefined ? {} : { ttl_seconds: ttl }) },
      adminHeaders(),
    );
    expect(response.status).toBe(200);
    return response.body.data.token as string;
  }

  it('streams pageviews, the live visitor count and new error groups over WebSocket (secret key) and SSE (token)', async () => {
    const project = await createProject(receiver.app);
    const ws = await openWebSocket(receiver.url, { headers: { 'X-API-Key': project.secretKey } });
    clients.push(ws);
    const token = await mintToken(project.id);
    const sse = await openEventStream(receiver.url, { query: `token=${token}` });
    clients.push(sse);
    for (const client of [ws, sse]) {
      await client.next((m) => m.channel === 'visitors' && m.data.count === 0);
    }

    const pageview = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ url: 'https://shop.example.com/live' }),
      testHeaders(project.publicKey),
    );
    expect(pageview.status).toBe(202);
    const error = await receiver.http.post(
      '/api/track/error.php',
      { message: 'Checkout exploded', error_type: 'TypeError' },
      testHeaders(project.secretKey),
    );
    expect(error.status).toBe(202);

    for (const client of [ws, sse]) {
      const view = await client.next((m) => m.channel === 'pageviews');
      expect(view.data).toMatchObject({ url: 'https://shop.example.com/live', isNewSession: true });
      await client.next((m) => m.channel === 'visitors' && m.data.count === 1);
      const failure = await client.next((m) => m.channel === 'errors');
      expect(failure.data).toMatchObject({ message: 'Checkout exploded', newGroup: true });
    }
  });

  it('sends a project only its own events and only the channels asked for', async () => {
    const mine = await createProject(receiver.app);
    const other = await createProject(receiver.app);
    const ws = await openWebSocket(receiver.url, {
      headers: { 'X-API-Key': mine.secretKey },
      query: 'channels=errors,alerts',
    });
    clients.push(ws);
    await ws.next((m) => m.channel === 'hello');
    await receiver.http.post(
      '/api/track/error.php',
      { message: 'not mine' },
      testHeaders(other.secretKey),
    );
    await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody(),
      testHeaders(mine.publicKey),
    );
    await receiver.http.post(
      '/api/track/error.php',
      { message: 'mine' },
      testHeaders(mine.secretKey),
    );
    receiver.app.get(RealtimeFanout).publishAlert({
      projectId: mine.id,
      ruleId: 7,
      kind: 'new_error_group',
      message: 'New error: mine',
      firedAt: Date.now(),
    });
    await ws.next((m) => m.channel === 'alerts');
    expect(ws.messages.map((m) => [m.channel, m.data.message])).toEqual([
      ['hello', undefined],
      ['errors', 'mine'],
      ['alerts', 'New error: mine'],
    ]);
  });

  it('publishes each alert message to the alerts channel beside its webhook delivery', async () => {
    const project = await createProject(receiver.app);
    const rule = await createRule(receiver.http, project.id, hooks.url, `live-${project.id}`, {
      kind: 'new_error_group',
    });
    const ws = await openWebSocket(receiver.url, {
      headers: { 'X-API-Key': project.secretKey },
      query: 'channels=alerts',
    });
    clients.push(ws);
    const sse = await openEventStream(receiver.url, {
      query: `token=${await mintToken(project.id)}&channels=alerts`,
    });
    clients.push(sse);
    await ws.next((m) => m.channel === 'hello');
    await sse.next((m) => m.channel === 'hello');
    const error = await receiver.http.post(
      '/api/track/error.php',
      { message: 'Alert me live', error_type: 'RangeError' },
      testHeaders(project.secretKey),
    );
    expect(error.status).toBe(202);

    const [webhook] = await waitForHooks(hooks, `live-${project.id}`);
    const [body] = bodiesOn(hooks, `live-${project.id}`);
    for (const client of [ws, sse]) {
      const alert = await client.next((m) => m.channel === 'alerts');
      expect(alert.data).toMatchObject({
        projectId: project.id,
        ruleId: rule.id,
        kind: 'new_error_group',
        message: body.title,
        details: { delivery_id: Number(webhook.headers['x-alert-delivery']), count: 1 },
      });
      expect(client.messages.filter((m) => m.channel === 'alerts')).toHaveLength(1);
    }
  });

  it('refuses clients without credentials, with a wrong key or with an expired token', async () => {
    const project = await createProject(receiver.app);
    const expired = receiver.app.get(RealtimeTokensService).mint(project.id, -1).token;
    const forged = (await mintToken(project.id)).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const attempts: Array<{ headers?: Record<string, string>; query?: string }> = [
      {},
      { headers: { 'X-API-Key': 'not-a-key' } },
      { headers: { 'X-API-Key': project.publicKey } },
      { query: `token=${expired}` },
      { query: `token=${forged}` },
      { headers: { Authorization: `Bearer ${expired}` } },
    ];
    for (const attempt of attempts) {
      await expect(openWebSocket(receiver.url, attempt)).rejects.toMatchObject({ status: 401 });
      await expect(openEventStream(receiver.url, attempt)).rejects.toMatchObject({ status: 401 });
    }
    await expect(
      openWebSocket(receiver.url, {
        headers: { 'X-API-Key': project.secretKey },
        query: 'channels=nope',
      }),
    ).rejects.toMatchObject({ status: 400 });
    const noAdmin = await receiver.http.post('/api/realtime/tokens', { project_id: project.id });
    expect(noAdmin.status).toBe(401);
  });
});

describeEachAdapter('realtime feeds switched off', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });

  it('serves no stream, no token and no WebSocket upgrade', async () => {
    const project = await createProject(receiver.app);
    const headers = { 'X-API-Key': project.secretKey };
    await expect(openEventStream(receiver.url, { headers })).rejects.toMatchObject({ status: 404 });
    const token = await receiver.http.post(
      '/api/realtime/tokens',
      { project_id: project.id },
      adminHeaders(),
    );
    expect(token.status).toBe(404);
    await expect(openWebSocket(receiver.url, { headers })).rejects.toBeDefined();
  });
});
