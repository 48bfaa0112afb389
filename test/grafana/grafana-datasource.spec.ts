import type { DataSource } from 'typeorm';
import {
  TelemetryHostEntity,
  TelemetryLatestEntity,
  TelemetrySampleEntity,
} from '../../receiver/storage/entities';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import {
  FIXTURE_TIMEZONE,
  seedAnalytics,
  WINDOW,
  type Seed,
} from '../analytics/analytics-fixtures';
import { describeReceiver, useReceiverApp } from '../support/receiver-app';

// The requests below are those the simpod-json-datasource plugin sends (its README, "API"):
// `GET /` on "Save & test", `POST /metrics` and `/metric-payload-options` in the query editor,
// `POST /query` per panel refresh, `POST /variable` for dashboard variables, `POST /tag-keys` and
// `/tag-values` for ad hoc filters.
const FROM = '2026-01-09T18:30:00.000Z'; // 2026-01-10 00:00 in Asia/Kolkata
const TO = '2026-01-12T18:29:59.999Z'; // 2026-01-12 23:59:59.999 local
const dayStart = (ymd: string) => Date.parse(`${ymd}T00:00:00+05:30`);

function queryBody(targets: Array<{ target: string; payload?: Record<string, unknown> }>) {
  return {
    app: 'dashboard',
    requestId: 'Q100',
    timezone: 'browser',
    panelId: 2,
    dashboardUID: 'abc',
    range: { from: FROM, to: TO, raw: { from: 'now-3d', to: 'now' } },
    rangeRaw: { from: 'now-3d', to: 'now' },
    interval: '5m',
    intervalMs: 300_000,
    maxDataPoints: 1000,
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), ...t })),
    adhocFilters: [],
    scopedVars: {},
    startTime: Date.now(),
  };
}

describeReceiver('Grafana JSON datasource', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { timezone: FIXTURE_TIMEZONE } });
  let seed: Seed;
  let headers: Record<string, string>;
  beforeAll(async () => {
    seed = await seedAnalytics(receiver);
    headers = { 'X-API-Key': seed.project.secretKey, 'X-Test-Mode': 'phpunit' };
    const ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    const at = new Date('2026-01-11T06:00:00Z');
    const host = await ds.getRepository(TelemetryHostEntity).save({
      project_id: seed.project.id,
      host: 'web-1',
      status: 'approved',
      response_extras: {},
      first_seen: at,
      last_seen: at,
      report_count: 3,
      avg_interval_seconds: 60,
    });
    const samples = [10, 20, 30, 'text'].map((value, i) => ({
      project_id: seed.project.id,
      host_id: host.id,
      key: i === 3 ? 'version' : 'queue_depth',
      value,
      numeric_value: typeof value === 'number' ? value : null,
      collected_at: new Date(at.getTime() + i * 60_000),
      received_at: new Date(at.getTime() + i * 60_000),
    }));
    await ds.getRepository(TelemetrySampleEntity).insert(samples);
    const latest = (key: string, value: number | string, minute: number) => ({
      project_id: seed.project.id,
      host_id: host.id,
      key,
      value,
      value_type: typeof value === 'number' ? 'integer' : 'string',
      unit: null,
      collected_at: new Date(at.getTime() + minute * 60_000),
      received_at: new Date(at.getTime() + minute * 60_000),
    });
    await ds
      .getRepository(TelemetryLatestEntity)
      .insert([latest('queue_depth', 30, 2), latest('version', 'text', 3)]);
  });
  const post = (path: string, body: unknown, h = headers) =>
    receiver.http.post(`/api/grafana/${path}`, body, h);
  const analytics = async (path: string) =>
    (await receiver.http.get(`/api/analytics/${path}`, headers)).body.data;

  it('answers the health check with the secret key only', async () => {
    expect((await receiver.http.get('/api/grafana', headers)).status).toBe(200);
    const noKey = await receiver.http.get('/api/grafana', { 'X-Test-Mode': 'phpunit' });
    expect(noKey.status).toBe(401);
    const publicKey = await receiver.http.get('/api/grafana', {
      'X-API-Key': seed.project.publicKey,
      'X-Test-Mode': 'phpunit',
    });
    expect(publicKey.status).toBe(401);
    expect((await post('query', queryBody([]), { 'X-Test-Mode': 'phpunit' })).status).toBe(401);
  });

  it('lists the metrics with their payloads, and the payload options', async () => {
    const metrics = await post('metrics', { metric: '', payload: {} });
    expect(metrics.status).toBe(200);
    const values = (metrics.body as Array<{ value: string }>).map((m) => m.value);
    expect(values).toEqual(
      expect.arrayContaining(['pageviews', 'visitors', 'sessions', 'bounce_rate', 'errors']),
    );
    expect((await post('metrics', {})).status).toBe(200);
    const hosts = await post('metric-payload-options', {
      metric: 'telemetry',
      payload: {},
      name: 'host',
    });
    expect(hosts.body).toEqual([{ label: 'web-1', value: 'web-1' }]);
    const keys = await post('metric-payload-options', {
      metric: 'telemetry',
      payload: { host: 'web-1' },
      name: 'key',
    });
    // Only numeric values are series: the text `version` is left out.
    expect(keys.body).toEqual([{ label: 'queue_depth', value: 'queue_depth' }]);
    const severities = await post('metric-payload-options', {
      metric: 'error_groups',
      payload: {},
      name: 'severity',
    });
    expect(severities.body).toContainEqual({ label: 'critical', value: 'critical' });
  });

  it('answers analytics series per local day, equal to the analytics endpoints', async () => {
    const res = await post(
      'query',
      queryBody([
        { target: 'pageviews' },
        { target: 'visitors' },
        { target: 'sessions' },
        { target: 'errors' },
      ]),
    );
    expect(res.status).toBe(200);
    const [pageviews, visitors, sessions, errors] = res.body;
    const days = ['2026-01-10', '2026-01-11', '2026-01-12'];
    expect(pageviews.datapoints.map((p: number[]) => p[1])).toEqual(days.map(dayStart));
    const over = (await analytics(`visitors?${WINDOW}`)).over_time as Array<{
      date: string;
      pageviews: number;
      unique_visitors: number;
    }>;
    const valueOn = (list: Array<{ date: string }>, day: string, field: string) =>
      (list.find((d) => d.date === day) as Record<string, number> | undefined)?.[field] ?? 0;
    expect(pageviews).toEqual({
      target: 'pageviews',
      datapoints: days.map((d) => [valueOn(over, d, 'pageviews'), dayStart(d)]),
    });
    expect(visitors.datapoints.map((p: number[]) => p[0])).toEqual(
      days.map((d) => valueOn(over, d, 'unique_visitors')),
    );
    expect(pageviews.datapoints.some((p: number[]) => p[0] > 0)).toBe(true);
    const sessionDays = (await analytics(`sessions?${WINDOW}`)).over_time;
    expect(sessions.datapoints.map((p: number[]) => p[0])).toEqual(
      days.map((d) => valueOn(sessionDays, d, 'sessions')),
    );
    const trend = (await analytics(`errors-trend?${WINDOW}`)).over_time;
    expect(errors.datapoints.map((p: number[]) => p[0])).toEqual(
      days.map((d) => valueOn(trend, d, 'occurrences')),
    );
  });

  it('answers bounce rate per day as the sessions endpoint computes it for that day', async () => {
    const [bounce] = (await post('query', queryBody([{ target: 'bounce_rate' }]))).body;
    for (const [i, day] of ['2026-01-10', '2026-01-11', '2026-01-12'].entries()) {
      const one = await analytics(`sessions?range=custom&from=${day}&to=${day}`);
      expect(bounce.datapoints[i]).toEqual([one.bounce_rate, dayStart(day)]);
    }
  });

  it('answers tables: error groups (filtered by severity) and links', async () => {
    const res = await post(
      'query',
      queryBody([
        { target: 'error_groups', payload: { severity: 'critical' } },
        { target: 'links' },
        { target: 'error_summary' },
      ]),
    );
    const [groups, links, summary] = res.body;
    expect(groups.type).toBe('table');
    expect(groups.columns.map((c: { text: string }) => c.text)).toContain('severity');
    const listed = (await analytics(`errors?${WINDOW}&severity=critical&limit=100`)).errors;
    expect(groups.rows.map((r: unknown[]) => r[0])).toEqual(
      listed.map((e: { id: number }) => e.id),
    );
    expect(groups.rows.every((r: unknown[]) => r[3] === 'critical')).toBe(true);
    const linkList = (await analytics(`links?${WINDOW}`)).links;
    expect(links.rows).toHaveLength(linkList.length);
    expect(summary.rows).toContainEqual([
      'total',
      (await analytics(`errors?${WINDOW}`)).summary.total,
    ]);
  });

  it('answers link clicks per day, equal to link-detail', async () => {
    const [clicks] = (
      await post('query', queryBody([{ target: 'link_clicks', payload: { code: 'AbCd1234' } }]))
    ).body;
    const detail = (await analytics(`link-detail?${WINDOW}&code=AbCd1234`)).over_time;
    const total = (clicks.datapoints as number[][]).reduce((n, p) => n + p[0], 0);
    expect(total).toBe(detail.reduce((n: number, d: { clicks: number }) => n + d.clicks, 0));
    expect(total).toBeGreaterThan(0);
  });

  it('answers the clicks of all links per day, equal to the link-details summed', async () => {
    const [all] = (await post('query', queryBody([{ target: 'link_clicks' }]))).body;
    const expected = new Map<number, number>();
    for (const { code } of (await analytics(`links?${WINDOW}`)).links) {
      const detail = await analytics(`link-detail?${WINDOW}&code=${code}`);
      for (const d of detail.over_time as Array<{ date: string; clicks: number }>) {
        expected.set(dayStart(d.date), (expected.get(dayStart(d.date)) ?? 0) + d.clicks);
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    for (const [clicks, at] of all.datapoints as number[][]) {
      expect([at, clicks]).toEqual([at, expected.get(at) ?? 0]);
    }
    const [unknown] = (
      await post('query', queryBody([{ target: 'link_clicks', payload: { code: 'nope' } }]))
    ).body;
    expect((unknown.datapoints as number[][]).every(([clicks]) => clicks === 0)).toBe(true);
  });

  it('answers telemetry values as a series, averaged per interval beyond maxDataPoints', async () => {
    const target = { target: 'telemetry', payload: { host: 'web-1', key: 'queue_depth' } };
    const at = Date.parse('2026-01-11T06:00:00Z');
    const [raw] = (await post('query', queryBody([target]))).body;
    expect(raw).toEqual({
      target: 'web-1 queue_depth',
      datapoints: [
        [10, at],
        [20, at + 60_000],
        [30, at + 120_000],
      ],
    });
    const thin = { ...queryBody([target]), intervalMs: 120_000, maxDataPoints: 2 };
    const [bucketed] = (await post('query', thin)).body;
    expect(bucketed.datapoints).toEqual([
      [15, at],
      [30, at + 120_000],
    ]);
    const missing = await post('query', queryBody([{ target: 'telemetry', payload: {} }]));
    expect(missing.status).toBe(400);
    expect(missing.body.success).toBe(false);
  });

  it('leaves hidden targets out and refuses unknown metrics and bad ranges', async () => {
    const hidden = await post('query', {
      ...queryBody([{ target: 'pageviews' }]),
      targets: [{ refId: 'A', target: 'pageviews', hide: true }],
    });
    expect(hidden.body).toEqual([]);
    expect((await post('query', queryBody([{ target: 'nope' }]))).status).toBe(400);
    const bad = await post('query', { ...queryBody([]), range: { from: 'x', to: TO } });
    expect(bad.status).toBe(400);
  });

  it('answers variables and empty ad hoc filters', async () => {
    const hosts = await post('variable', {
      payload: { target: 'host' },
      range: { from: FROM, to: TO },
    });
    expect(hosts.body).toEqual([{ __text: 'web-1', __value: 'web-1' }]);
    const metrics = await post('variable', { payload: {} });
    expect(metrics.body).toContainEqual({ __text: 'Pageviews per day', __value: 'pageviews' });
    expect((await post('tag-keys', {})).body).toEqual([]);
    expect((await post('tag-values', { key: 'x' })).body).toEqual([]);
  });
});
