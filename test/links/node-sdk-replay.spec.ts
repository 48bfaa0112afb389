/**
 * The calls of the Micrologs Node SDK 1.1.0 (contract section 5) replayed byte for byte as plain
 * HTTP: GETs carry only `X-API-Key` and a query without null params; POSTs add
 * `Content-Type: application/json`. No test-mode header — the SDK never sends one.
 */
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject } from '../analytics/analytics-fixtures';

describeEachAdapter('Node SDK calls replayed', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { appUrl: 'https://sdk.example' } });
  let key: string;
  beforeAll(async () => {
    key = (await createProject(receiver, 'SDK')).secretKey;
  });
  // What the SDK's request helper does: drop null/undefined params, build the query string.
  const sdkGet = (path: string, params: Record<string, unknown> = {}) => {
    const query = new URLSearchParams(
      Object.entries(params)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ).toString();
    return receiver.http.get(`${path}${query ? `?${query}` : ''}`, { 'X-API-Key': key });
  };
  const sdkPost = (path: string, body: unknown) =>
    receiver.http.post(path, body, { 'Content-Type': 'application/json', 'X-API-Key': key });

  it('createLink / getLink / editLink / deleteLink', async () => {
    const created = await sdkPost('/api/links/create.php', {
      destination_url: 'https://a.example/x',
      label: '',
    });
    expect(created.status).toBe(200);
    const { code, short_url } = created.body.data;
    expect(short_url).toBe(`https://sdk.example/api/redirect.php?c=${code}`);
    const fetched = await sdkGet('/api/links/detail.php', { code });
    expect(fetched.body.data).toMatchObject({
      code,
      destination_url: 'https://a.example/x',
      is_active: true,
    });
    // editLink(code, {isActive: false}) sends only the non-null field.
    const edited = await sdkPost('/api/links/edit.php', { code, is_active: false });
    expect(edited.body.data).toMatchObject({ code, is_active: false });
    const deleted = await sdkPost('/api/links/delete.php', { code });
    expect(deleted.body).toEqual({
      success: true,
      message: 'Link deleted successfully',
      data: { code },
    });
  });

  it('error and audit, then every analytics method reads the fields SDK users read', async () => {
    expect(
      (
        await sdkPost('/api/track/error.php', {
          message: 'sdk failure',
          error_type: 'ManualError',
          severity: 'error',
          file: '',
          line: null,
          stack: null,
          url: '',
          environment: 'production',
          context: null,
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await sdkPost('/api/track/audit.php', {
          action: 'user.login',
          actor: 'a@b.c',
          context: null,
        })
      ).status,
    ).toBe(202);
    const { code } = (
      await sdkPost('/api/links/create.php', { destination_url: 'https://a.example/y', label: 'y' })
    ).body.data;

    const calls: Array<[string, Record<string, unknown>, string[]]> = [
      [
        'visitors',
        { range: '7d' },
        ['unique_visitors', 'total_pageviews', 'total_sessions', 'bounce_rate', 'over_time'],
      ],
      [
        'visitors-returning',
        { range: '30d' },
        [
          'total_visitors',
          'new_visitors',
          'returning_visitors',
          'new_pct',
          'returning_pct',
          'over_time',
        ],
      ],
      [
        'sessions',
        { range: '30d' },
        [
          'total_sessions',
          'bounce_rate',
          'avg_duration_seconds',
          'avg_duration_engaged',
          'avg_pages_per_session',
          'over_time',
        ],
      ],
      ['pages', { range: '30d', limit: 10 }, ['count', 'pages']],
      ['devices', {}, ['by_device', 'by_os', 'by_browser']],
      ['locations', {}, ['by_country', 'by_region', 'by_city']],
      ['referrers', {}, ['by_category', 'top_referrers']],
      ['utm', {}, ['count', 'campaigns']],
      [
        'errors',
        { status: 'open', severity: null, environment: undefined, limit: 5 },
        ['summary', 'count', 'errors'],
      ],
      [
        'errors-trend',
        { range: '7d' },
        ['group_id', 'total_occurrences', 'total_groups', 'top_groups', 'over_time'],
      ],
      ['audits', { action: 'user.login' }, ['count', 'top_actions', 'logs']],
      ['links', {}, ['count', 'links']],
      [
        'link-detail',
        { code },
        [
          'link',
          'total_clicks',
          'unique_clicks',
          'by_country',
          'by_referrer',
          'by_device',
          'over_time',
        ],
      ],
    ];
    for (const [name, params, fields] of calls) {
      const res = await sdkGet(`/api/analytics/${name}.php`, params);
      expect([name, res.status]).toEqual([name, 200]);
      expect(Object.keys(res.body.data).sort()).toEqual(['range', ...fields].sort());
    }
    const errors = (await sdkGet('/api/analytics/errors.php', { status: 'open', limit: 5 })).body
      .data;
    expect(errors.errors[0]).toMatchObject({
      message: 'sdk failure',
      error_type: 'ManualError',
      status: 'open',
    });
    const detail = await sdkGet('/api/analytics/error-detail.php', { id: errors.errors[0].id });
    expect(Object.keys(detail.body.data).sort()).toEqual(['events', 'group', 'over_time', 'range']);
    expect(detail.body.data.events[0].device).toEqual({
      type: 'desktop',
      os: 'Unknown',
      browser: 'Unknown',
    });
    const audits = (await sdkGet('/api/analytics/audits.php', { action: 'user.login' })).body.data;
    expect(audits.logs[0]).toMatchObject({ action: 'user.login', actor: 'a@b.c', context: null });
  });

  it('answers non-2xx with a message the SDK logs', async () => {
    const res = await receiver.http.get('/api/analytics/error-detail.php?id=999999', {
      'X-API-Key': key,
    });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Error group not found');
  });
});
