import { createHash, randomBytes } from 'node:crypto';
import { adminHeaders, type TestHttp, useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import {
  browserHeaders,
  createProject,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Admin headers with the test hook that lifts rate limits, and who asked. */
const admin = (requestedBy = 'dpo@shop.example.com') =>
  adminHeaders({ 'X-Test-Mode': 'phpunit', 'X-Requested-By': requestedBy });

/** The person the requests are about, another visitor, and their IP addresses. */
const ALICE = `alice-${randomBytes(4).toString('hex')}`;
const BOB = `bob-${randomBytes(4).toString('hex')}`;
const ALICE_IP = '203.0.113.7';
const BOB_IP = '198.51.100.9';

async function visit(http: TestHttp, project: TestProject, visitorId: string, pages: string[]) {
  const session = `s-${randomBytes(6).toString('hex')}`;
  for (const page of pages) {
    const res = await http.post(
      '/api/track/pageview',
      pageviewBody({
        url: `https://shop.example.com${page}`,
        visitor_id: visitorId,
        session_token: session,
      }),
      testHeaders(project.publicKey),
    );
    expect(res.status).toBe(202);
  }
}

async function error(
  http: TestHttp,
  project: TestProject,
  message: string,
  visitorId: string,
  occurrences = 1,
) {
  const res = await http.post(
    '/api/track/error',
    {
      message,
      error_type: 'TypeError',
      file: 'app.js',
      line: 3,
      context: { visitor_id: visitorId },
      occurrences,
    },
    testHeaders(project.secretKey),
  );
  expect(res.status).toBe(202);
}

async function audit(http: TestHttp, project: TestProject, action: string, actor: string) {
  const res = await http.post(
    '/api/track/audit',
    { action, actor },
    testHeaders(project.secretKey),
  );
  expect(res.status).toBe(202);
}

async function click(http: TestHttp, code: string, ip: string) {
  const res = await http.get(`/api/redirect?c=${code}`, {
    ...browserHeaders(''),
    'X-Forwarded-For': ip,
    'X-Test-Mode': 'phpunit',
  });
  expect(res.status).toBe(302);
}

/** The analytics figures an erasure must correct, as the project's owner reads them. */
async function figures(http: TestHttp, project: TestProject) {
  const headers = testHeaders(project.secretKey);
  const visitors = await http.get('/api/analytics/visitors?range=7d', headers);
  const errors = await http.get('/api/analytics/errors?range=7d', headers);
  const links = await http.get('/api/analytics/links?range=7d', headers);
  expect([visitors.status, errors.status, links.status]).toEqual([200, 200, 200]);
  return {
    visitors: visitors.body.data.unique_visitors,
    pageviews: visitors.body.data.total_pageviews,
    sessions: visitors.body.data.total_sessions,
    errors: Object.fromEntries(
      (errors.body.data.errors as { message: string; occurrence_count: number }[]).map((group) => [
        group.message,
        group.occurrence_count,
      ]),
    ),
    clicks: links.body.data.links[0].total_clicks,
    uniqueClicks: links.body.data.links[0].unique_clicks,
  };
}

describeEachEngine('privacy requests: access and erasure over HTTP', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { trustedProxies: ['127.0.0.1'] },
  });
  let shop: TestProject;
  let blog: TestProject;
  let code: string;

  beforeAll(async () => {
    const { http, app } = receiver;
    shop = await createProject(app);
    blog = await createProject(app);
    await visit(http, shop, ALICE, ['/', '/shoes', '/checkout']);
    await visit(http, shop, ALICE, ['/account']); // a second session
    await visit(http, shop, BOB, ['/', '/shoes']);
    await visit(http, blog, ALICE, ['/post']); // the same id on another project: not asked about
    await error(http, shop, 'cart is undefined', ALICE);
    await error(http, shop, 'cart is undefined', ALICE, 3); // a backend's coalesced burst
    await error(http, shop, 'cart is undefined', BOB);
    await error(http, shop, 'only alice saw this', ALICE);
    await audit(http, shop, 'user.login', 'alice@example.com');
    await audit(http, shop, 'user.logout', 'alice@example.com');
    await audit(http, shop, 'user.login', 'bob@example.com');
    const link = await http.post(
      '/api/links/create',
      { destination_url: 'https://shop.example.com/sale', label: 'sale' },
      testHeaders(shop.secretKey),
    );
    expect(link.status).toBe(200);
    code = link.body.data.code;
    await click(http, code, ALICE_IP);
    await click(http, code, ALICE_IP);
    await click(http, code, BOB_IP);
  });

  it('exports every table holding the visitor: visitor, sessions, pageviews, errors, clicks', async () => {
    const res = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${shop.id}&ip=${ALICE_IP}`,
      admin(),
    );
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    const { rows, tables, visitor_id } = res.body.data;
    expect(visitor_id).toBe(ALICE);
    expect(rows).toMatchObject({
      visitors: 1,
      sessions: 2,
      pageviews: 4,
      error_events: 3,
      error_groups: 2,
      link_clicks: 2,
      tracked_links: 1,
    });
    expect(rows.devices).toBeGreaterThanOrEqual(1);
    expect(tables.visitors[0].visitor_hash).toBe(sha256(ALICE));
    expect(tables.pageviews.map((view: { url: string }) => view.url).sort()).toEqual(
      ['/', '/account', '/checkout', '/shoes'].map((page) => `https://shop.example.com${page}`),
    );
    expect(tables.error_events.every((e: { context: unknown }) => e.context !== null)).toBe(true);
    expect(
      tables.error_events.map((e: { context: { visitor_id: string } }) => e.context.visitor_id),
    ).toEqual([ALICE, ALICE, ALICE]);
    expect(tables.tracked_links[0].code).toBe(code);
    expect(
      tables.pageviews.every((view: { project_id: number }) => view.project_id === shop.id),
    ).toBe(true);
  });

  it('leaves link clicks out when no IP address is given (they carry no visitor id)', async () => {
    const res = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${shop.id}`,
      admin(),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.rows.link_clicks).toBeUndefined();
    expect(res.body.data.rows.pageviews).toBe(4);
  });

  it('erases the visitor everywhere, corrects the counts, and touches no one else', async () => {
    const before = await figures(receiver.http, shop);
    expect(before).toMatchObject({
      visitors: 2,
      pageviews: 6,
      sessions: 3,
      errors: { 'cart is undefined': 5, 'only alice saw this': 1 },
      clicks: 3,
      uniqueClicks: 2,
    });
    const blogBefore = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${blog.id}`,
      admin(),
    );

    const res = await receiver.http.delete(
      `/api/privacy/visitors/${ALICE}?project=${shop.id}&ip=${ALICE_IP}`,
      admin(),
    );
    expect(res.status).toBe(200);
    expect(res.body.data.rows).toEqual({
      visitors: 1,
      sessions: 2,
      pageviews: 4,
      error_events: 3,
      error_groups: 1,
      'error_groups.occurrence_count': 1,
      link_clicks: 2,
      // Her pageviews' rollup rows (day totals, page, referrer, device… of her two days).
      analytics_rollups: expect.any(Number),
    });
    expect(res.body.data.rows.analytics_rollups).toBeGreaterThan(0);

    // Analytics stop counting her at once (rollups corrected, cached answers dropped).
    expect(await figures(receiver.http, shop)).toEqual({
      visitors: 1,
      pageviews: 2,
      sessions: 1,
      errors: { 'cart is undefined': 1 },
      clicks: 1,
      uniqueClicks: 1,
    });
    const again = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${shop.id}&ip=${ALICE_IP}`,
      admin(),
    );
    expect(again.body.data.rows).toEqual({
      visitors: 0,
      sessions: 0,
      pageviews: 0,
      error_events: 0,
      error_groups: 0,
      link_clicks: 0,
      tracked_links: 0,
    });
    const bob = await receiver.http.get(
      `/api/privacy/visitors/${BOB}?project=${shop.id}&ip=${BOB_IP}`,
      admin(),
    );
    expect(bob.body.data.rows).toMatchObject({
      visitors: 1,
      sessions: 1,
      pageviews: 2,
      error_events: 1,
      link_clicks: 1,
    });
    const blogAfter = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${blog.id}`,
      admin(),
    );
    expect(blogAfter.body.data.tables).toEqual(blogBefore.body.data.tables);
    expect(blogAfter.body.data.rows.pageviews).toBe(1);
  });

  it('records a returning visitor as new after the erasure (no cached id of the deleted rows)', async () => {
    await visit(receiver.http, shop, ALICE, ['/back']);
    const res = await receiver.http.get(
      `/api/privacy/visitors/${ALICE}?project=${shop.id}`,
      admin(),
    );
    expect(res.body.data.rows).toMatchObject({ visitors: 1, sessions: 1, pageviews: 1 });
    expect(res.body.data.tables.pageviews[0].visitor_id).toBe(res.body.data.tables.visitors[0].id);
    expect(res.body.data.tables.pageviews[0].session_id).toBe(res.body.data.tables.sessions[0].id);
  });

  it('exports and erases the audit events of one actor only', async () => {
    const actor = encodeURIComponent('alice@example.com');
    const exported = await receiver.http.get(
      `/api/privacy/audits?project=${shop.id}&actor=${actor}`,
      admin(),
    );
    expect(exported.status).toBe(200);
    expect(exported.body.data.rows).toEqual({ audit_logs: 2 });
    expect(
      exported.body.data.tables.audit_logs.map((row: { action: string }) => row.action),
    ).toEqual(['user.login', 'user.logout']);

    const erased = await receiver.http.delete(
      `/api/privacy/audits?project=${shop.id}&actor=${actor}`,
      admin(),
    );
    expect(erased.status).toBe(200);
    expect(erased.body.data.rows).toEqual({ audit_logs: 2 });
    const audits = await receiver.http.get(
      '/api/analytics/audits?range=7d',
      testHeaders(shop.secretKey),
    );
    expect(audits.body.data.logs.map((row: { actor: string }) => row.actor)).toEqual([
      'bob@example.com',
    ]);
  });

  it('logs every request with who asked, what, and rows per table — never the id itself', async () => {
    const res = await receiver.http.get(`/api/privacy/requests?project=${shop.id}`, admin());
    expect(res.status).toBe(200);
    const { requests, total, page, limit } = res.body.data;
    expect({ total, page, limit }).toEqual({ total: 8, page: 1, limit: 50 });
    const erasure = requests.find(
      (r: { action: string; subject_type: string }) =>
        r.action === 'erase' && r.subject_type === 'visitor',
    );
    expect(erasure).toMatchObject({
      project_id: shop.id,
      subject_hash: sha256(ALICE),
      requested_by: 'dpo@shop.example.com',
      credential: expect.stringMatching(/^admin-key:[0-9a-f]{12}$/),
      rows: { pageviews: 4, visitors: 1, link_clicks: 2 },
    });
    expect(erasure.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(requests.map((r: { action: string }) => r.action).slice(0, 2)).toEqual([
      'erase',
      'export',
    ]);
    const actorErasure = requests[0];
    expect(actorErasure).toMatchObject({
      subject_type: 'actor',
      subject_hash: sha256('alice@example.com'),
      rows: { audit_logs: 2 },
    });
    expect(res.text).not.toContain(ALICE);
    expect(res.text).not.toContain('alice@example.com'.replace('@', '%40'));
    expect(res.text).not.toContain('"alice@example.com"');

    const second = await receiver.http.get(
      `/api/privacy/requests?project=${shop.id}&page=2&limit=4`,
      admin(),
    );
    expect(second.body.data).toMatchObject({ total: 8, page: 2, limit: 4 });
    expect(second.body.data.requests.map((r: { id: number }) => r.id)).toEqual(
      requests.slice(4, 8).map((r: { id: number }) => r.id),
    );
  });

  it('answers bad input with 4xx in the envelope', async () => {
    const { http } = receiver;
    const cases: Array<[string, string, number, string]> = [
      ['GET', `/api/privacy/visitors/${BOB}`, 400, 'project is required (the project id)'],
      [
        'DELETE',
        `/api/privacy/visitors/${BOB}?project=abc`,
        400,
        'project is required (the project id)',
      ],
      ['GET', `/api/privacy/visitors/${BOB}?project=999999`, 404, 'Project not found'],
      ['DELETE', `/api/privacy/visitors/${BOB}?project=999999`, 404, 'Project not found'],
      ['GET', `/api/privacy/visitors/%20?project=${shop.id}`, 400, 'visitor id is required'],
      [
        'GET',
        `/api/privacy/visitors/${BOB}?project=${shop.id}&ip=300.1.1.1`,
        400,
        'ip must be an IPv4 or IPv6 address',
      ],
      ['GET', `/api/privacy/audits?project=${shop.id}`, 400, 'actor is required'],
      ['DELETE', `/api/privacy/audits?actor=bob`, 400, 'project is required (the project id)'],
      ['GET', '/api/privacy/requests?limit=500', 400, 'limit must be an integer from 1 to 200'],
      ['GET', '/api/privacy/requests?page=0', 400, 'page must be a positive integer'],
    ];
    for (const [method, path, status, message] of cases) {
      const res = await http.request(method, path, { headers: admin() });
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status,
        body: { success: false, message },
      });
    }
    const unauthorised = await http.delete(`/api/privacy/visitors/${BOB}?project=${shop.id}`, {
      'X-Admin-Key': 'wrong',
    });
    expect(unauthorised.status).toBe(401);
    const stillThere = await http.get(`/api/privacy/visitors/${BOB}?project=${shop.id}`, admin());
    expect(stillThere.body.data.rows.visitors).toBe(1);
    // Failed requests are not logged as answered.
    const log = await http.get(`/api/privacy/requests?project=${shop.id}`, admin());
    expect(log.body.data.total).toBe(9);
  });
});
