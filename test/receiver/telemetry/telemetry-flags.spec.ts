import { describeReceiver, useReceiverApp } from '../../support/receiver-app';
import { rolloutBucket } from '../../../receiver/telemetry/flags/flag-resolver';
import {
  bearer,
  createProject,
  report,
  secretHeaders,
  type TestProject,
} from './telemetry-fixtures';

describeReceiver('feature flags', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let project: TestProject;

  beforeAll(async () => {
    project = await createProject(receiver);
  });

  const put = (name: string, body: unknown) =>
    receiver.http.put(`/api/flags/${name}`, body, secretHeaders(project));

  it('stores flags of any JSON type and lists them', async () => {
    expect((await put('new_checkout', { defaultValue: false, description: 'v2' })).status).toBe(
      200,
    );
    expect((await put('theme', { defaultValue: 'light' })).status).toBe(200);
    expect((await put('limits', { defaultValue: { cart: 50 } })).status).toBe(200);
    const list = await receiver.http.get('/api/flags', secretHeaders(project));
    expect(list.status).toBe(200);
    expect(list.body.data.flags.map((f: { name: string }) => f.name)).toEqual([
      'limits',
      'new_checkout',
      'theme',
    ]);
    expect(list.body.data.flags[1]).toEqual({
      name: 'new_checkout',
      description: 'v2',
      defaultValue: false,
      hosts: {},
      rollout: null,
    });
  });

  it('answers reports with the flags resolved for the reporting host', async () => {
    await put('maintenance', { defaultValue: false, hosts: { 'shop-2': true } });
    const one = await receiver.http.post(
      '/api/telemetry',
      report('shop-1', { a: 1 }),
      secretHeaders(project),
    );
    const two = await receiver.http.post(
      '/api/telemetry',
      report('shop-2', { a: 1 }),
      secretHeaders(project),
    );
    expect(one.body.feature_flags.maintenance).toBe(false);
    expect(two.body.feature_flags.maintenance).toBe(true);
    expect(two.body.feature_flags.limits).toEqual({ cart: 50 });
  });

  it('rolls a flag out by a stable hash of the host', async () => {
    await put('beta', { defaultValue: 'off', rollout: { percent: 50, value: 'on' } });
    const hosts = Array.from({ length: 8 }, (_, i) => `node-${i}`);
    for (const host of hosts) {
      const res = await receiver.http.get(
        `/api/telemetry/flags?host=${host}`,
        secretHeaders(project),
      );
      const expected = rolloutBucket('beta', host) < 50 ? 'on' : 'off';
      expect(res.body.feature_flags.beta).toBe(expected);
    }
    await put('beta', { defaultValue: 'off', rollout: { percent: 100, value: 'on' } });
    const all = await receiver.http.get('/api/telemetry/flags?host=node-0', secretHeaders(project));
    expect(all.body.feature_flags.beta).toBe('on');
  });

  it('serves flags with an ETag and answers 304 while they are unchanged', async () => {
    const first = await receiver.http.get(
      '/api/telemetry/flags?host=etag-host',
      secretHeaders(project),
    );
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await receiver.http.get(
      '/api/telemetry/flags?host=etag-host',
      secretHeaders(project, { 'If-None-Match': etag }),
    );
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    await put('theme', { defaultValue: 'dark' });
    const changed = await receiver.http.get(
      '/api/telemetry/flags?host=etag-host',
      secretHeaders(project, { 'If-None-Match': etag }),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.feature_flags.theme).toBe('dark');
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('reads flags with a bearer token for its own host only', async () => {
    const issued = await receiver.http.post(
      '/api/telemetry/auth-token',
      { host: 'token-host' },
      secretHeaders(project),
    );
    const own = await receiver.http.get('/api/telemetry/flags', bearer(issued.body.token));
    expect(own.status).toBe(200);
    expect(own.body.feature_flags).toHaveProperty('theme');
    const other = await receiver.http.get(
      '/api/telemetry/flags?host=shop-1',
      bearer(issued.body.token),
    );
    expect(other.status).toBe(403);
  });

  it('deletes flags, 404 for an unknown one', async () => {
    expect((await receiver.http.delete('/api/flags/limits', secretHeaders(project))).status).toBe(
      200,
    );
    const missing = await receiver.http.delete('/api/flags/limits', secretHeaders(project));
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Flag "limits" not found');
  });

  it.each([
    ['no defaultValue', 'x', { description: 'd' }, 'defaultValue is required'],
    ['a null defaultValue', 'x', { defaultValue: null }, 'defaultValue is required'],
    ['hosts not an object', 'x', { defaultValue: 1, hosts: ['a'] }, 'hosts must be an object'],
    [
      'a rollout over 100 %',
      'x',
      { defaultValue: 1, rollout: { percent: 101, value: 2 } },
      'rollout',
    ],
    ['a rollout without value', 'x', { defaultValue: 1, rollout: { percent: 5 } }, 'rollout'],
    ['a description that is not a string', 'x', { defaultValue: 1, description: 5 }, 'description'],
    ['a name with spaces', 'bad%20name', { defaultValue: 1 }, 'Flag names'],
    ['a default value over 16 KB', 'x', { defaultValue: 'x'.repeat(17_000) }, 'defaultValue'],
    ['a name over 191 characters', 'n'.repeat(192), { defaultValue: 1 }, 'Flag names'],
  ])('refuses %s with 400 and stores nothing', async (_label, name, body, message) => {
    const res = await put(name, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    const list = await receiver.http.get('/api/flags', secretHeaders(project));
    expect(list.body.data.flags.map((f: { name: string }) => f.name)).not.toContain(name);
  });

  it('requires the secret key', async () => {
    expect((await receiver.http.get('/api/flags')).status).toBe(401);
    const pub = await receiver.http.get('/api/flags', { 'X-API-Key': project.public_key });
    expect(pub.status).toBe(401);
  });
});
