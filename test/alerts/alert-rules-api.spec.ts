import {
  adminHeaders,
  describeReceiver,
  useReceiverApp,
  type ReceiverAppHandle,
} from '../support/receiver-app';

const admin = adminHeaders();

async function createProject(receiver: ReceiverAppHandle, name: string): Promise<number> {
  const res = await receiver.http.post(
    '/api/projects/create',
    { name, allowed_domains: ['shop.example.com'] },
    admin,
  );
  expect(res.status).toBe(200);
  return res.body.data.id;
}

describeReceiver('alert rules API', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { alerts: { intervalSeconds: 0 } } });
  let projectId: number;

  beforeAll(async () => {
    projectId = await createProject(receiver, 'Alerts shop');
  });

  it('creates, lists, shows, edits and deletes a rule with the admin key', async () => {
    const created = await receiver.http.post(
      '/api/alerts/rules',
      {
        project_id: projectId,
        name: 'Too many errors',
        kind: 'error_threshold',
        conditions: { count: 50, window_minutes: 5, severity: 'critical' },
        url: 'https://hooks.example.com/alerts',
      },
      admin,
    );
    expect(created.status).toBe(201);
    const rule = created.body.data;
    expect(rule).toMatchObject({
      project_id: projectId,
      name: 'Too many errors',
      kind: 'error_threshold',
      conditions: { count: 50, window_minutes: 5, severity: 'critical' },
      channel: 'webhook',
      cooldown_seconds: 300,
      is_active: true,
    });
    expect(rule.secret).toMatch(/^whsec_[0-9a-f]{48}$/);

    const listed = await receiver.http.get(`/api/alerts/rules?project=${projectId}`, admin);
    expect(listed.status).toBe(200);
    expect(listed.body.data.rules.map((r: { id: number }) => r.id)).toEqual([rule.id]);

    const edited = await receiver.http.request('PATCH', `/api/alerts/rules/${rule.id}`, {
      body: { channel: 'slack', cooldown_seconds: 0, conditions: { count: 3, window_minutes: 1 } },
      headers: admin,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({
      channel: 'slack',
      cooldown_seconds: 0,
      conditions: { count: 3, window_minutes: 1 },
      name: 'Too many errors',
    });
    expect((await receiver.http.get(`/api/alerts/rules/${rule.id}`, admin)).body.data.channel).toBe(
      'slack',
    );

    const deleted = await receiver.http.delete(`/api/alerts/rules/${rule.id}`, admin);
    expect(deleted.status).toBe(200);
    expect((await receiver.http.get(`/api/alerts/rules/${rule.id}`, admin)).status).toBe(404);
  });

  it('fills the defaults of each kind and refuses unknown or broken conditions with 400', async () => {
    const post = (body: Record<string, unknown>) =>
      receiver.http.post(
        '/api/alerts/rules',
        { project_id: projectId, name: 'r', url: 'https://h.example.com/x', ...body },
        admin,
      );
    const traffic = await post({
      kind: 'traffic_anomaly',
      conditions: { direction: 'drop', percent: 50 },
    });
    expect(traffic.body.data.conditions).toEqual({
      direction: 'drop',
      percent: 50,
      weeks: 4,
      min_pageviews: 10,
    });
    const value = await post({
      kind: 'telemetry_value',
      conditions: { key: 'queue.depth', comparison: '>', value: 100 },
    });
    expect(value.body.data.conditions).toEqual({
      key: 'queue.depth',
      comparison: '>',
      value: 100,
      for_minutes: 0,
    });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'nope' }, 'kind must be one of'],
      [{ kind: 'error_threshold', conditions: { count: 5 } }, 'conditions.window_minutes'],
      [{ kind: 'host_stale', conditions: { minutes: 5, hots: 'a' } }, 'conditions.hots'],
      [{ kind: 'traffic_anomaly', conditions: { direction: 'drop', percent: 150 } }, 'percent'],
      [{ kind: 'regression', url: 'ftp://x' }, 'url must be'],
      [{ kind: 'regression', channel: 'teams' }, 'channel must be'],
      [{ kind: 'regression', cooldown_seconds: -1 }, 'cooldown_seconds'],
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      expect({ status: res.status, message: res.body.message }).toEqual({
        status: 400,
        message: expect.stringContaining(message),
      });
    }
    const unknownProject = await post({ kind: 'regression', project_id: 999_999 });
    expect(unknownProject.status).toBe(404);
  });

  it('refuses every alerts route without the admin key', async () => {
    const key = { 'X-API-Key': 'not-an-admin-key' };
    expect((await receiver.http.get(`/api/alerts/rules?project=${projectId}`, key)).status).toBe(
      401,
    );
    expect((await receiver.http.post('/api/alerts/rules', {}, key)).status).toBe(401);
    expect((await receiver.http.get(`/api/alerts/deliveries?project=${projectId}`)).status).toBe(
      401,
    );
  });

  it('queues a test delivery that the delivery log shows as pending', async () => {
    const rule = (
      await receiver.http.post(
        '/api/alerts/rules',
        {
          project_id: projectId,
          name: 'New errors',
          kind: 'new_error_group',
          url: 'https://h.example.com/hook',
        },
        admin,
      )
    ).body.data;
    const test = await receiver.http.post(`/api/alerts/rules/${rule.id}/test`, {}, admin);
    expect(test.status).toBe(202);
    const log = await receiver.http.get(
      `/api/alerts/deliveries?project=${projectId}&rule=${rule.id}`,
      admin,
    );
    expect(log.status).toBe(200);
    expect(log.body.data.deliveries).toEqual([
      expect.objectContaining({
        id: test.body.data.delivery_id,
        kind: 'test',
        status: 'pending',
        attempts: 0,
        payload: expect.objectContaining({ type: 'alert.test', rule: expect.any(Object) }),
      }),
    ]);
    const bad = await receiver.http.get(
      `/api/alerts/deliveries?project=${projectId}&status=x`,
      admin,
    );
    expect(bad.status).toBe(400);
  });
});
