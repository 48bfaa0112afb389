import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../../receiver/storage/storage.constants';
import { TelemetryHostEntity } from '../../../receiver/storage/entities/telemetry-host.entity';
import { describeReceiver, useReceiverApp } from '../../support/receiver-app';
import { createProject, report, secretHeaders, type TestProject } from './telemetry-fixtures';

describeReceiver('telemetry hosts API', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { timezone: 'UTC' } });
  let project: TestProject;
  const send = (host: string, data: Record<string, unknown>, at: string) =>
    receiver.http.post('/api/telemetry', report(host, data, at), secretHeaders(project));

  beforeAll(async () => {
    project = await createProject(receiver);
    await send('web-1', { load: 1, status: 'ok' }, '2026-03-01T10:05:00Z');
    await send('web-1', { load: 3, status: 'busy' }, '2026-03-01T10:35:00Z');
    await send('web-1', { load: 8, status: 'ok' }, '2026-03-01T11:10:00Z');
    await send('web-1', { load: 4, status: 'ok' }, '2026-03-02T09:00:00Z');
  });

  it('lists hosts with first/last seen, status and report count', async () => {
    const res = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
    expect(res.status).toBe(200);
    expect(res.body.data.hosts[0]).toMatchObject({
      host: 'web-1',
      status: 'approved',
      report_count: 4,
      stale: false,
    });
    expect(res.body.data.hosts[0].last_seen).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('marks a host stale when nothing arrived within twice its usual interval', async () => {
    const dataSource = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    await dataSource
      .getRepository(TelemetryHostEntity)
      .update(
        { host: 'web-1' },
        { avg_interval_seconds: 60, last_seen: new Date(Date.now() - 121_000) },
      );
    const res = await receiver.http.get('/api/telemetry/hosts', secretHeaders(project));
    expect(res.body.data.hosts[0]).toMatchObject({
      host: 'web-1',
      stale: true,
      interval_seconds: 60,
    });
  });

  it('shows the latest value of every key of a host', async () => {
    const res = await receiver.http.get('/api/telemetry/hosts/web-1', secretHeaders(project));
    expect(res.body.data.values).toEqual({
      load: {
        value: 4,
        type: 'gauge',
        type_declared: false,
        unit: null,
        collected_at: '2026-03-02 09:00:00',
        received_at: expect.any(String),
      },
      status: {
        value: 'ok',
        type: 'info',
        type_declared: false,
        unit: null,
        collected_at: '2026-03-02 09:00:00',
        received_at: expect.any(String),
      },
    });
  });

  it('returns raw history and hour/day buckets with min/avg/max/last', async () => {
    const base = '/api/telemetry/hosts/web-1/keys/load?from=2026-03-01&to=2026-03-02';
    const raw = await receiver.http.get(base, secretHeaders(project));
    expect(raw.body.data.points.map((p: { value: number }) => p.value)).toEqual([1, 3, 8, 4]);
    const hour = await receiver.http.get(`${base}&bucket=hour`, secretHeaders(project));
    expect(hour.body.data.points).toEqual([
      { bucket: '2026-03-01 10:00:00', count: 2, last: 3, min: 1, max: 3, avg: 2 },
      { bucket: '2026-03-01 11:00:00', count: 1, last: 8, min: 8, max: 8, avg: 8 },
      { bucket: '2026-03-02 09:00:00', count: 1, last: 4, min: 4, max: 4, avg: 4 },
    ]);
    const day = await receiver.http.get(`${base}&bucket=day`, secretHeaders(project));
    expect(day.body.data.points).toEqual([
      { bucket: '2026-03-01', count: 3, last: 8, min: 1, max: 8, avg: 4 },
      { bucket: '2026-03-02', count: 1, last: 4, min: 4, max: 4, avg: 4 },
    ]);
    const text = await receiver.http.get(
      '/api/telemetry/hosts/web-1/keys/status?from=2026-03-01&to=2026-03-02&bucket=day',
      secretHeaders(project),
    );
    expect(text.body.data.points[0]).toEqual({ bucket: '2026-03-01', count: 3, last: 'ok' });
  });

  it('refuses a bad bucket or range and an unknown host', async () => {
    const h = secretHeaders(project);
    expect(
      (await receiver.http.get('/api/telemetry/hosts/web-1/keys/load?bucket=week', h)).status,
    ).toBe(400);
    expect(
      (await receiver.http.get('/api/telemetry/hosts/web-1/keys/load?from=soon', h)).status,
    ).toBe(400);
    expect(
      (
        await receiver.http.get(
          '/api/telemetry/hosts/web-1/keys/load?from=2026-03-05&to=2026-03-01',
          h,
        )
      ).status,
    ).toBe(400);
    const missing = await receiver.http.get('/api/telemetry/hosts/nope', h);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, message: 'Host "nope" not found' });
  });

  it('adds the admin-set response extras to the host answers', async () => {
    const set = await receiver.http.put(
      '/api/telemetry/hosts/web-1/response',
      { maintenance_mode: true, message: 'upgrade at 2am' },
      secretHeaders(project),
    );
    expect(set.status).toBe(200);
    const res = await send('web-1', { load: 2 }, new Date().toISOString());
    expect(res.body).toEqual({
      maintenance_mode: true,
      message: 'upgrade at 2am',
      feature_flags: {},
    });
    const reserved = await receiver.http.put(
      '/api/telemetry/hosts/web-1/response',
      { feature_flags: {} },
      secretHeaders(project),
    );
    expect(reserved.status).toBe(400);
  });

  it.each([
    ['an array', '[1]', 'The body must be a JSON object'],
    [
      'more than 16 KB',
      JSON.stringify({ note: 'x'.repeat(17_000) }),
      'The body must be a JSON object',
    ],
    ['the reserved feature_flags key', '{"feature_flags": {"a": 1}}', 'feature_flags is reserved'],
  ])(
    'refuses response extras that are %s, keeping the previous ones',
    async (_label, raw, message) => {
      const res = await receiver.http.request('PUT', '/api/telemetry/hosts/web-1/response', {
        raw,
        headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(message);
      const detail = await receiver.http.get('/api/telemetry/hosts/web-1', secretHeaders(project));
      expect(detail.body.data.response_extras).toEqual({
        maintenance_mode: true,
        message: 'upgrade at 2am',
      });
    },
  );

  it('keeps other projects out of a project hosts', async () => {
    const other = await createProject(receiver);
    const res = await receiver.http.get('/api/telemetry/hosts/web-1', secretHeaders(other));
    expect(res.status).toBe(404);
  });

  it('deletes a host with its history', async () => {
    await send('temp', { a: 1 }, new Date().toISOString());
    const res = await receiver.http.delete('/api/telemetry/hosts/temp', secretHeaders(project));
    expect(res.body).toEqual({
      success: true,
      message: 'Host "temp" and its telemetry were deleted',
      data: { host: 'temp' },
    });
    expect(
      (await receiver.http.get('/api/telemetry/hosts/temp', secretHeaders(project))).status,
    ).toBe(404);
  });
});
