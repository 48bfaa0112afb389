import { describeReceiver, useReceiverApp } from '../support/receiver-app';
import { FIXTURE_TIMEZONE, seedAnalytics, WINDOW, type Seed } from './analytics-fixtures';

const RANGE = { from: '2026-01-10 00:00:00', to: '2026-01-12 23:59:59' };

describeReceiver('analytics endpoints on a hand-checked dataset', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { timezone: FIXTURE_TIMEZONE, appUrl: 'https://t.example' },
  });
  let seed: Seed;
  beforeAll(async () => {
    seed = await seedAnalytics(receiver);
  });
  const get = async (endpoint: string, extra = '') => {
    const res = await receiver.http.get(`/api/analytics/${endpoint}?${WINDOW}${extra}`, {
      'X-API-Key': seed.project.secretKey,
      'X-Test-Mode': 'phpunit',
    });
    return res;
  };
  const data = async (endpoint: string, extra = '') => {
    const res = await get(endpoint, extra);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    return res.body.data;
  };

  it('visitors: counts, bounce rate and local days (23:30 and 23:59:59 local edges included)', async () => {
    const res = await get('visitors.php');
    expect(res.body).toEqual({
      success: true,
      message: 'Visitor analytics fetched successfully',
      data: {
        range: RANGE,
        unique_visitors: 3,
        total_pageviews: 6,
        total_sessions: 3,
        bounce_rate: 33.3,
        over_time: [
          { date: '2026-01-10', pageviews: 3, unique_visitors: 2 },
          { date: '2026-01-12', pageviews: 3, unique_visitors: 1 },
        ],
      },
    });
  });

  it('serves the same answer without .php', async () => {
    expect(await data('visitors')).toEqual(await data('visitors.php'));
  });

  it('visitors-returning: new when first seen in range, returning when before', async () => {
    expect(await data('visitors-returning.php')).toEqual({
      range: RANGE,
      total_visitors: 3,
      new_visitors: 2,
      returning_visitors: 1,
      new_pct: 66.7,
      returning_pct: 33.3,
      over_time: [
        { date: '2026-01-10', new_visitors: 1, returning_visitors: 1 },
        { date: '2026-01-12', new_visitors: 1, returning_visitors: 0 },
      ],
    });
  });

  it('sessions: durations (all and engaged), pages per session, sessions per start day', async () => {
    expect(await data('sessions.php')).toEqual({
      range: RANGE,
      total_sessions: 3,
      bounce_rate: 33.3,
      avg_duration_seconds: 140, // (120 + 0 + 300) / 3
      avg_duration_engaged: 210, // (120 + 300) / 2
      avg_pages_per_session: 2, // 6 pageviews / 3 sessions
      over_time: [
        { date: '2026-01-10', sessions: 2, avg_duration_seconds: 60 },
        { date: '2026-01-12', sessions: 1, avg_duration_seconds: 300 },
      ],
    });
  });

  it('pages: grouped by (url, title), most viewed first, limit honoured', async () => {
    const all = await data('pages.php');
    expect(all).toEqual({
      range: RANGE,
      count: 3,
      pages: [
        { url: 'https://site.test/home', page_title: 'Home', pageviews: 3, unique_visitors: 3 },
        {
          url: 'https://site.test/pricing',
          page_title: 'Pricing',
          pageviews: 2,
          unique_visitors: 2,
        },
        {
          url: 'https://site.test/home',
          page_title: 'Home — new',
          pageviews: 1,
          unique_visitors: 1,
        },
      ],
    });
    const one = await data('pages.php', '&limit=1');
    expect(one.count).toBe(1);
    expect(one.pages).toEqual([all.pages[0]]);
    expect((await data('pages.php', '&limit=abc')).count).toBe(1);
  });

  it('devices: by type with unique visitors, by OS, by browser', async () => {
    expect(await data('devices.php')).toEqual({
      range: RANGE,
      by_device: [
        { device_type: 'mobile', pageviews: 4, unique_visitors: 2 },
        { device_type: 'desktop', pageviews: 2, unique_visitors: 1 },
      ],
      by_os: [
        { os: 'iOS', pageviews: 4 },
        { os: 'Windows', pageviews: 2 },
      ],
      by_browser: [
        { browser: 'Safari', pageviews: 4 },
        { browser: 'Chrome', pageviews: 2 },
      ],
    });
  });

  it('locations: pageviews without location left out, empty regions and cities skipped', async () => {
    expect(await data('locations.php')).toEqual({
      range: RANGE,
      by_country: [
        { country: 'India', country_code: 'IN', pageviews: 2, unique_visitors: 1 },
        { country: 'France', country_code: 'FR', pageviews: 1, unique_visitors: 1 },
      ],
      by_region: [{ country: 'India', country_code: 'IN', region: 'Karnataka', pageviews: 2 }],
      by_city: [{ city: 'Bengaluru', region: 'Karnataka', country_code: 'IN', pageviews: 2 }],
    });
  });

  it('referrers: categories and top referrer URLs', async () => {
    expect(await data('referrers.php')).toEqual({
      range: RANGE,
      by_category: [
        { category: 'referral', pageviews: 3, unique_visitors: 1 },
        { category: 'organic_search', pageviews: 2, unique_visitors: 1 },
        { category: 'direct', pageviews: 1, unique_visitors: 1 },
      ],
      top_referrers: [
        { referrer_url: 'https://news.ycombinator.com/item', pageviews: 3 },
        { referrer_url: 'https://www.google.com/search?q=x', pageviews: 2 },
      ],
    });
  });

  it('utm: only pageviews with a campaign', async () => {
    expect(await data('utm.php')).toEqual({
      range: RANGE,
      count: 1,
      campaigns: [
        {
          utm_source: 'news',
          utm_medium: 'email',
          utm_campaign: 'spring',
          pageviews: 1,
          unique_visitors: 1,
        },
      ],
    });
  });

  it('errors: groups last seen in range, summary ignoring filters, filters and limit', async () => {
    const { g1, g2, g4 } = seed.groups;
    const all = await data('errors.php');
    expect(all.summary).toEqual({
      total: 3,
      open: 1,
      investigating: 1,
      resolved: 1,
      ignored: 0,
      critical: 1,
      error: 1,
    });
    expect(all.count).toBe(3);
    expect(all.errors.map((e: { id: number }) => e.id)).toEqual([g4, g1, g2]);
    expect(all.errors[1]).toEqual({
      id: g1,
      error_type: 'TypeError',
      message: 'x is undefined',
      file: 'app.js',
      line: 10,
      severity: 'critical',
      environment: 'production',
      status: 'open',
      occurrence_count: 3,
      first_seen: '2026-01-05 05:30:00',
      last_seen: '2026-01-11 15:30:00',
    });
    expect(all.errors[2].line).toBeNull(); // stored 0
    expect(all.errors[0].line).toBeNull(); // stored NULL
    const open = await data('errors.php', '&status=open');
    expect(open.summary).toEqual(all.summary);
    expect(open.errors.map((e: { id: number }) => e.id)).toEqual([g1]);
    expect((await data('errors.php', '&severity=warning&environment=staging')).errors[0].id).toBe(
      g2,
    );
    expect((await data('errors.php', '&severity=bogus')).count).toBe(3);
    expect((await data('errors.php', '&limit=1')).errors.map((e: { id: number }) => e.id)).toEqual([
      g4,
    ]);
  });

  it('errors-trend: events per local day, top groups, group filter', async () => {
    const { g1, g2, g4 } = seed.groups;
    const all = await data('errors-trend.php');
    expect(all).toEqual({
      range: RANGE,
      group_id: null,
      total_occurrences: 4,
      total_groups: 3,
      top_groups: [
        {
          id: g1,
          error_type: 'TypeError',
          message: 'x is undefined',
          severity: 'critical',
          status: 'open',
          occurrences: 2,
        },
        {
          id: g2,
          error_type: 'Warn',
          message: 'slow',
          severity: 'warning',
          status: 'resolved',
          occurrences: 1,
        },
        {
          id: g4,
          error_type: 'Error',
          message: 'late',
          severity: 'error',
          status: 'investigating',
          occurrences: 1,
        },
      ],
      over_time: [
        { date: '2026-01-10', occurrences: 2, unique_groups: 2 },
        { date: '2026-01-11', occurrences: 1, unique_groups: 1 },
        { date: '2026-01-12', occurrences: 1, unique_groups: 1 },
      ],
    });
    const one = await data('errors-trend.php', `&group_id=${g1}`);
    expect(one).toMatchObject({ group_id: g1, total_occurrences: 2, total_groups: 1 });
    expect(one.over_time).toEqual([
      { date: '2026-01-10', occurrences: 1, unique_groups: 1 },
      { date: '2026-01-11', occurrences: 1, unique_groups: 1 },
    ]);
    expect((await data('errors-trend.php', '&group_id=abc')).group_id).toBeNull();
    const foreign = await data('errors-trend.php', `&group_id=${seed.groups.foreign}`);
    expect(foreign).toMatchObject({
      total_occurrences: 0,
      total_groups: 0,
      top_groups: [],
      over_time: [],
    });
  });

  it('error-detail: the group, its days and newest events with device and location', async () => {
    const { g1 } = seed.groups;
    const detail = await data('error-detail.php', `&id=${g1}`);
    expect(detail.group.id).toBe(g1);
    expect(detail.over_time).toEqual([
      { date: '2026-01-10', occurrences: 1 },
      { date: '2026-01-11', occurrences: 1 },
    ]);
    expect(detail.events).toEqual([
      {
        id: expect.any(Number),
        stack_trace: null,
        url: 'https://site.test/home',
        environment: 'production',
        severity: 'error',
        context: null,
        created_at: '2026-01-11 15:30:00',
        device: { type: 'mobile', os: 'iOS', browser: 'Safari' },
        location: { country: null, country_code: null, city: null },
      },
      {
        id: expect.any(Number),
        stack_trace: 'at x (app.js:10)',
        url: 'https://site.test/home',
        environment: 'production',
        severity: 'critical',
        context: { user: 1 },
        created_at: '2026-01-10 01:30:00',
        device: { type: 'desktop', os: 'Windows', browser: 'Chrome' },
        location: { country: 'India', country_code: 'IN', city: 'Bengaluru' },
      },
    ]);
  });

  it("error-detail: 400 without id, 404 for another project's group", async () => {
    expect((await get('error-detail.php')).body).toEqual({
      success: false,
      message: 'id is required',
    });
    const foreign = await get('error-detail.php', `&id=${seed.groups.foreign}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ success: false, message: 'Error group not found' });
  });

  it.each(['2147483648', '9007199254740993', '99999999999999999999'])(
    'error-detail: id=%s, beyond any row id, is a group not found on every engine',
    async (id) => {
      const res = await get('error-detail.php', `&id=${id}`);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 404,
        body: { success: false, message: 'Error group not found' },
      });
    },
  );

  it('audits: top actions over all, logs filtered, newest first, limited', async () => {
    const all = await data('audits.php');
    expect(all.top_actions).toEqual([
      { action: 'login', count: 2 },
      { action: 'delete', count: 1 },
    ]);
    expect(
      all.logs.map((l: { action: string; actor: string }) => `${l.action}:${l.actor}`),
    ).toEqual(['delete:alice', 'login:bob', 'login:alice']);
    expect(all.logs[2]).toEqual({
      id: expect.any(Number),
      action: 'login',
      actor: 'alice',
      context: { ip: 'x' },
      created_at: '2026-01-10 06:30:00',
    });
    const logins = await data('audits.php', '&action=login');
    expect(logins.count).toBe(2);
    expect(logins.top_actions).toEqual(all.top_actions);
    expect((await data('audits.php', '&actor=alice')).count).toBe(2);
    expect((await data('audits.php', '&limit=1')).logs[0].action).toBe('delete');
  });

  it('links: every link of the project with clicks in range, most clicked first', async () => {
    expect(await data('links.php')).toEqual({
      range: RANGE,
      count: 3,
      links: [
        {
          code: 'AbCd1234',
          short_url: 'https://t.example/api/redirect.php?c=AbCd1234',
          label: 'A',
          destination_url: 'https://example.com/a',
          total_clicks: 3,
          unique_clicks: 2,
          created_at: '2026-01-01 05:30:00',
        },
        expect.objectContaining({ code: 'Zz99Yy88', total_clicks: 1, unique_clicks: 1 }),
        expect.objectContaining({ code: 'ftpLink1', total_clicks: 0, unique_clicks: 0 }),
      ],
    });
  });

  it('link-detail: clicks by country, referrer category, device and day', async () => {
    expect(await data('link-detail.php', '&code=AbCd1234')).toEqual({
      range: RANGE,
      link: {
        id: expect.any(Number),
        code: 'AbCd1234',
        label: 'A',
        destination_url: 'https://example.com/a',
        created_at: '2026-01-01 05:30:00',
      },
      total_clicks: 3,
      unique_clicks: 2,
      by_country: [
        { country: 'France', country_code: 'FR', clicks: 1 },
        { country: 'India', country_code: 'IN', clicks: 1 },
      ],
      by_referrer: [
        { category: 'direct', clicks: 2 },
        { category: 'social', clicks: 1 },
      ],
      by_device: [
        { device_type: 'mobile', clicks: 2 },
        { device_type: 'desktop', clicks: 1 },
      ],
      over_time: [
        { date: '2026-01-10', clicks: 2 },
        { date: '2026-01-12', clicks: 1 },
      ],
    });
  });

  it("link-detail: 400 without code, 404 for another project's link", async () => {
    expect((await get('link-detail.php')).body).toEqual({
      success: false,
      message: 'code is required',
    });
    const foreign = await get('link-detail.php', '&code=Foreign1');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ success: false, message: 'Link not found' });
  });

  it.each([
    ['0001-01-01', '0001-12-31'],
    ['0099-12-31', '0099-12-31'],
    ['9999-01-01', '9999-12-31'],
  ])(
    'answers a custom range %s … %s, real calendar dates, with empty data on every endpoint',
    async (from, to) => {
      const code = seed.links.k1;
      const id = seed.groups.g1;
      for (const [endpoint, extra] of [
        ['visitors.php', ''],
        ['visitors-returning.php', ''],
        ['sessions.php', ''],
        ['pages.php', ''],
        ['devices.php', ''],
        ['locations.php', ''],
        ['referrers.php', ''],
        ['utm.php', ''],
        ['errors.php', ''],
        ['errors-trend.php', ''],
        ['error-detail.php', `&id=${id}`],
        ['audits.php', ''],
        ['links.php', ''],
        ['link-detail.php', `&code=${code}`],
      ]) {
        const res = await receiver.http.get(
          `/api/analytics/${endpoint}?range=custom&from=${from}&to=${to}${extra}`,
          { 'X-API-Key': seed.project.secretKey, 'X-Test-Mode': 'phpunit' },
        );
        expect({ endpoint, status: res.status, range: res.body.data?.range }).toEqual({
          endpoint,
          status: 200,
          range: { from: `${from} 00:00:00`, to: `${to} 23:59:59` },
        });
      }
    },
  );

  it("scopes every answer to the key's project", async () => {
    const res = await receiver.http.get(`/api/analytics/visitors.php?${WINDOW}`, {
      'X-API-Key': seed.other.secretKey,
      'X-Test-Mode': 'phpunit',
    });
    expect(res.body.data).toMatchObject({
      unique_visitors: 1,
      total_pageviews: 1,
      total_sessions: 1,
    });
  });
});
