import { watchLoggedLines } from '../../support/logged-lines';
import { describeReceiver, useReceiverApp } from '../../support/receiver-app';
import {
  admin,
  bearer,
  createProject,
  report,
  secretHeaders,
  storedCounts,
  type TestProject,
} from './telemetry-fixtures';

describeReceiver('telemetry ingest', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let project: TestProject;

  beforeAll(async () => {
    project = await createProject(receiver);
  });

  const post = (body: unknown, headers: Record<string, string> = secretHeaders(project)) =>
    receiver.http.post('/api/telemetry', body, headers);

  it('stores a report sent with the secret key and answers {feature_flags}', async () => {
    const res = await post(report('shop-1', { users: 10, version: '1.2.0', queue: { jobs: 3 } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ feature_flags: {} });
    const detail = await receiver.http.get('/api/telemetry/hosts/shop-1', secretHeaders(project));
    expect(detail.body.data.values.users.value).toBe(10);
    expect(detail.body.data.values.queue.value).toEqual({ jobs: 3 });
    expect(detail.body.data.status).toBe('approved');
  });

  it('takes the secret key as a static bearer token (laravel-telemetry-reporter TELEMETRY_AUTH_TOKEN)', async () => {
    const res = await post(report('shop-static', { users: 7 }), bearer(project.secret_key));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ feature_flags: {} });
    const detail = await receiver.http.get(
      '/api/telemetry/hosts/shop-static',
      secretHeaders(project),
    );
    expect(detail.body.data.values.users.value).toBe(7);
    const flags = await receiver.http.get(
      '/api/telemetry/flags?host=shop-static',
      bearer(project.secret_key),
    );
    expect(flags.status).toBe(200);
    // The public key is not a credential for reports, in either header.
    expect(
      (await post(report('shop-static', { users: 8 }), bearer(project.public_key))).body,
    ).toEqual({
      success: false,
      message: 'Invalid or revoked telemetry token',
    });
  });

  it('stores an exact repeat (same host, key, timestamp) only once', async () => {
    const payload = report('shop-retry', { users: 5 }, '2026-01-01T10:00:00Z');
    expect((await post(payload)).status).toBe(200);
    expect((await post(payload)).status).toBe(200);
    const history = await receiver.http.get(
      '/api/telemetry/hosts/shop-retry/keys/users?from=2026-01-01&to=2026-01-02',
      secretHeaders(project),
    );
    expect(history.body.data.count).toBe(1);
    const hosts = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
    const host = hosts.body.data.hosts.find((h: { host: string }) => h.host === 'shop-retry');
    expect(host.report_count).toBe(1);
  });

  it('counts a repeat that brings a new key, storing only that key', async () => {
    const at = '2026-01-01T11:00:00Z';
    expect((await post(report('shop-grow', { users: 5 }, at))).status).toBe(200);
    expect((await post(report('shop-grow', { users: 6, orders: 2 }, at))).status).toBe(200);
    const users = await receiver.http.get(
      '/api/telemetry/hosts/shop-grow/keys/users?from=2026-01-01&to=2026-01-02',
      secretHeaders(project),
    );
    // The sample already stored for that point stays as first written.
    expect(users.body.data.count).toBe(1);
    const detail = await receiver.http.get(
      '/api/telemetry/hosts/shop-grow',
      secretHeaders(project),
    );
    expect(detail.body.data.values.orders.value).toBe(2);
    const hosts = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
    const host = hosts.body.data.hosts.find((h: { host: string }) => h.host === 'shop-grow');
    expect(host.report_count).toBe(2);
  });

  it('keeps the newest value as latest when an older report arrives late', async () => {
    await post(report('shop-late', { users: 2 }, '2026-02-01T10:05:00Z'));
    await post(report('shop-late', { users: 1 }, '2026-02-01T10:00:00Z'));
    const detail = await receiver.http.get(
      '/api/telemetry/hosts/shop-late',
      secretHeaders(project),
    );
    expect(detail.body.data.values.users.value).toBe(2);
  });

  it('accepts Laravel-era payloads: unix or ISO timestamp, or none', async () => {
    expect((await post({ host: 'laravel', timestamp: 1767261600, data: { a: 1 } })).status).toBe(
      200,
    );
    expect((await post({ host: 'laravel', data: { b: true } })).status).toBe(200);
  });

  it('keeps every number a double holds exactly, and digits inside strings, as sent', async () => {
    const res = await receiver.http.request('POST', '/api/telemetry', {
      raw:
        '{"host":"exact-numbers","data":{"max_safe":9007199254740991,"two_53":9007199254740992,' +
        '"min_safe":-9007199254740991,"float":1.5e16,"tiny":-2.5e-300,"big_round":100000000000000000000,' +
        '"as_text":"9007199254740993"}}',
      headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
    });
    expect(res.status).toBe(200);
    const detail = await receiver.http.get(
      '/api/telemetry/hosts/exact-numbers',
      secretHeaders(project),
    );
    const values = Object.fromEntries(
      Object.entries(detail.body.data.values as Record<string, { value: unknown }>).map(
        ([key, entry]) => [key, entry.value],
      ),
    );
    expect(values).toEqual({
      max_safe: 9007199254740991,
      two_53: 9007199254740992,
      min_safe: -9007199254740991,
      float: 1.5e16,
      tiny: -2.5e-300,
      big_round: 1e20,
      as_text: '9007199254740993',
    });
  });

  it("stores PHP's 64-bit integers beyond 2^53 as the nearest double, with one warning per project", async () => {
    const logged = watchLoggedLines();
    try {
      for (const host of ['php-ints-1', 'php-ints-2']) {
        const res = await receiver.http.request('POST', '/api/telemetry', {
          raw:
            `{"host":"${host}","data":{"users":3,"max":9223372036854775807,` +
            '"next":9007199254740993,"low":-9007199254740993}}',
          headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
        });
        // Refusing would fail every report of the host for good: the reporter sends all its keys
        // in one report and sends it again on its next run.
        expect(res.status).toBe(200);
        const detail = await receiver.http.get(
          `/api/telemetry/hosts/${host}`,
          secretHeaders(project),
        );
        const values = detail.body.data.values as Record<string, { value: unknown }>;
        expect(values.users.value).toBe(3);
        expect(values.max.value).toBe(2 ** 63); // the double nearest 9223372036854775807
        expect(values.next.value).toBe(9007199254740992);
        expect(values.low.value).toBe(-9007199254740992);
      }
      expect(logged.count('warn', /beyond ±9007199254740991 \(first: 9223372036854775807\)/)).toBe(
        1,
      );
    } finally {
      logged.restore();
    }
  });

  describe('bad input: a clear 4xx and nothing stored', () => {
    it.each([
      ['host missing', { data: { a: 1 } }, 400, 'host is required'],
      ['host not a string', { host: 42, data: { a: 1 } }, 400, 'host is required'],
      ['host too long', { host: 'h'.repeat(192), data: { a: 1 } }, 400, 'host is required'],
      ['data missing', { host: 'bad' }, 400, 'data must be a non-empty object'],
      ['data an array', { host: 'bad', data: [1] }, 400, 'data must be a non-empty object'],
      ['data empty', { host: 'bad', data: {} }, 400, 'data must be a non-empty object'],
      [
        'timestamp garbage',
        { host: 'bad', timestamp: 'yesterday', data: { a: 1 } },
        400,
        'timestamp',
      ],
      [
        'timestamp in the future',
        { host: 'bad', timestamp: '2999-01-01T00:00:00Z', data: { a: 1 } },
        400,
        'timestamp',
      ],
      [
        'too many keys',
        {
          host: 'bad',
          data: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`k${i}`, i])),
        },
        400,
        'at most 500 keys',
      ],
      [
        'a huge value',
        { host: 'bad', data: { blob: 'x'.repeat(20_000) } },
        400,
        'larger than 16 KB',
      ],
      ['a scalar body', 42, 400, 'Invalid or missing JSON body'],
    ])('%s', async (_label, body, status, message) => {
      const before = await storedCounts(receiver, project);
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toContain(message);
      expect(await storedCounts(receiver, project)).toEqual(before);
    });

    it('refuses a number beyond what a double holds (it would be stored as null), naming it', async () => {
      const before = await storedCounts(receiver, project);
      const res = await receiver.http.request('POST', '/api/telemetry', {
        raw: '{"host":"huge-number","data":{"fine":1,"bytes":{"total":1e400}}}',
        headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        success: false,
        message: expect.stringContaining('the number 1e400 is beyond what a number can hold'),
      });
      expect(await storedCounts(receiver, project)).toEqual(before);
    });

    it('answers 413 for a body over 64 KB and 400 for invalid JSON', async () => {
      const big = await receiver.http.request('POST', '/api/telemetry', {
        raw: JSON.stringify(report('bad', { a: 'x'.repeat(70_000) })),
        headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
      });
      expect(big.status).toBe(413);
      const broken = await receiver.http.request('POST', '/api/telemetry', {
        raw: '{"host": "bad", "data": {',
        headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
      });
      expect(broken.status).toBe(400);
      expect(broken.body.message).toBe('Invalid or missing JSON body');
    });

    it('refuses missing, unknown, public and disabled keys with 401', async () => {
      const payload = report('bad', { a: 1 });
      expect((await post(payload, { 'X-Test-Mode': 'phpunit' })).status).toBe(401);
      expect((await post(payload, { 'X-API-Key': 'f'.repeat(64) })).status).toBe(401);
      expect((await post(payload, { 'X-API-Key': project.public_key })).status).toBe(401);
      expect((await post(payload, bearer('not-a-token'))).body.message).toBe(
        'Invalid or revoked telemetry token',
      );
      const other = await createProject(receiver);
      await receiver.http.post(
        '/api/projects/toggle.php',
        { id: other.id, is_active: false },
        admin,
      );
      expect((await post(payload, secretHeaders(other))).status).toBe(401);
    });
  });
});

describeReceiver('telemetry tokens', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  const token = (
    headers: Record<string, string>,
    host: unknown,
    path = '/api/telemetry/auth-token',
  ) => receiver.http.post(path, { host }, { 'X-Test-Mode': 'phpunit', ...headers });

  it('issues a token at once under the auto policy; the token reports for its host only', async () => {
    const project = await createProject(receiver);
    const issued = await token({ 'X-API-Key': project.secret_key }, 'api-1');
    expect(issued.status).toBe(200);
    expect(issued.body.token).toMatch(/^[0-9a-f]{64}$/);
    const ok = await receiver.http.post(
      '/api/telemetry',
      report('api-1', { up: true }),
      bearer(issued.body.token),
    );
    expect(ok.status).toBe(200);
    const wrongHost = await receiver.http.post(
      '/api/telemetry',
      report('api-2', { up: true }),
      bearer(issued.body.token),
    );
    expect(wrongHost.status).toBe(403);
    expect(wrongHost.body.message).toBe('This token was issued for another host than "api-2"');
  });

  it('serves the token route under /token too and validates the host', async () => {
    const project = await createProject(receiver);
    const viaAlias = await token(
      { 'X-API-Key': project.secret_key },
      'api-3',
      '/api/telemetry/token',
    );
    expect(viaAlias.status).toBe(200);
    const bad = await token({ 'X-API-Key': project.secret_key }, ['x']);
    expect(bad.status).toBe(400);
    expect((await token({}, 'api-3')).status).toBe(401);
  });

  it('keeps hosts of approval projects pending (403) until an admin approves them', async () => {
    const project = await createProject(receiver, { token_policy: 'approval' });
    const pending = await token(
      {},
      'edge-1',
      `/api/telemetry/auth-token?key=${project.public_key}`,
    );
    expect(pending.status).toBe(403);
    expect(pending.body.message).toBe(
      'Host "edge-1" is pending approval by an administrator; try again once it is approved',
    );
    const list = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
    expect(list.body.data.hosts[0]).toMatchObject({ host: 'edge-1', status: 'pending' });
    const approved = await receiver.http.post(
      '/api/telemetry/hosts/edge-1/approve',
      {},
      secretHeaders(project),
    );
    expect(approved.status).toBe(200);
    const issued = await token({}, 'edge-1', `/api/telemetry/auth-token?key=${project.public_key}`);
    expect(issued.status).toBe(200);
    expect(issued.body.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a public key on an auto-policy project', async () => {
    const project = await createProject(receiver);
    const res = await token({ 'X-API-Key': project.public_key }, 'x');
    expect(res.status).toBe(403);
  });

  it('revokes every token of a host when the host is deleted', async () => {
    const project = await createProject(receiver);
    const issued = await token({ 'X-API-Key': project.secret_key }, 'gone');
    await receiver.http.post('/api/telemetry', report('gone', { a: 1 }), bearer(issued.body.token));
    const deleted = await receiver.http.delete('/api/telemetry/hosts/gone', secretHeaders(project));
    expect(deleted.status).toBe(200);
    const after = await receiver.http.post(
      '/api/telemetry',
      report('gone', { a: 2 }),
      bearer(issued.body.token),
    );
    expect(after.status).toBe(401);
  });

  it('stops a token at once when its project is disabled and accepts it again once re-enabled', async () => {
    const project = await createProject(receiver);
    const issued = await token({ 'X-API-Key': project.secret_key }, 'toggled');
    const send = (users: number) =>
      receiver.http.post('/api/telemetry', report('toggled', { users }), bearer(issued.body.token));
    expect((await send(1)).status).toBe(200);
    const toggle = (is_active: boolean) =>
      receiver.http.post('/api/projects/toggle', { id: project.id, is_active }, admin);
    expect((await toggle(false)).status).toBe(200);
    expect((await send(2)).status).toBe(401);
    expect((await toggle(true)).status).toBe(200);
    expect((await send(3)).status).toBe(200);
  });

  it('answers a token-holding host with the response extras set after it reported', async () => {
    const project = await createProject(receiver);
    const issued = await token({ 'X-API-Key': project.secret_key }, 'extras');
    const send = () =>
      receiver.http.post('/api/telemetry', report('extras', { a: 1 }), bearer(issued.body.token));
    expect((await send()).body).toEqual({ feature_flags: {} });
    const set = await receiver.http.put(
      '/api/telemetry/hosts/extras/response',
      { maintenance_mode: true },
      secretHeaders(project),
    );
    expect(set.status).toBe(200);
    expect((await send()).body).toEqual({ maintenance_mode: true, feature_flags: {} });
  });
});
