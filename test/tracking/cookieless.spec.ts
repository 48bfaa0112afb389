import { ReceiverClock } from '../../receiver/common/time/receiver-time';
import { CookielessIdentity } from '../../receiver/tracking/cookieless/cookieless-identity.service';
import {
  PageviewEntity,
  SessionEntity,
  VisitorEntity,
  VisitorSaltEntity,
} from '../../receiver/storage/entities';
import { adminHeaders, useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import {
  browserHeaders,
  CHROME_UA,
  createProject,
  dataSourceOf,
  pageviewBody,
  TestProject,
} from './tracking-fixtures';

const PAGEVIEW = '/api/track/pageview.php';
const MINUTE = 60_000;
/** 10 June 2026, 22:00 UTC: two hours before a salt rotation. */
const T0 = Date.UTC(2026, 5, 10, 22, 0, 0);
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

describeEachEngine('cookieless mode', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { trustedProxies: ['127.0.0.1'] },
  });
  let project: TestProject;
  let now = T0;
  const db = () => dataSourceOf(receiver.app);
  /** A browser at `ip`: the body carries ids a cookie-mode snippet would send, to prove they are ignored. */
  const view = (path: string, ip = '203.0.113.7', extra: Record<string, string> = {}) =>
    receiver.http.post(
      PAGEVIEW,
      pageviewBody({ url: `https://shop.example.com${path}` }),
      browserHeaders(project.publicKey, { 'X-Forwarded-For': ip, ...extra }),
    );
  const pageviews = () =>
    db()
      .getRepository(PageviewEntity)
      .find({ where: { project_id: project.id }, order: { id: 'ASC' } });
  const analytics = async (name: string, from: string, to: string) =>
    (
      await receiver.http.get(`/api/analytics/${name}.php?range=custom&from=${from}&to=${to}`, {
        'X-API-Key': project.secretKey,
      })
    ).body.data;

  beforeAll(async () => {
    jest.spyOn(receiver.app.get(ReceiverClock), 'now').mockImplementation(() => now);
    project = await createProject(receiver.app);
    const edit = await receiver.http.post(
      '/api/projects/edit.php',
      { id: project.id, cookieless: true },
      adminHeaders(),
    );
    expect(edit.status).toBe(200);
    expect(edit.body.data.cookieless).toBe(true);
  });

  it('is a project setting of the admin API, off by default, checked as a boolean', async () => {
    const created = await receiver.http.post(
      '/api/projects/create.php',
      { name: 'plain', allowed_domains: ['example.org'] },
      adminHeaders(),
    );
    expect(created.body.data.cookieless).toBe(false);
    const bad = await receiver.http.post(
      '/api/projects/edit.php',
      { id: created.body.data.id, cookieless: 'yes' },
      adminHeaders(),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('cookieless must be a boolean');
    const list = await receiver.http.get('/api/projects/list.php', adminHeaders());
    const flags = Object.fromEntries(
      list.body.data.projects.map((p: { id: number; cookieless: boolean }) => [p.id, p.cookieless]),
    );
    expect(flags).toMatchObject({ [project.id]: true, [created.body.data.id]: false });
  });

  it('derives one visitor per browser and day, ignores client ids, sessions end after 30 idle minutes', async () => {
    now = T0;
    const first = await view('/a');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({
      success: true,
      message: 'OK',
      data: { queued: true, cookieless: true },
    });
    now = T0 + 10 * MINUTE;
    await view('/b'); // same browser, other random visitor_id/session_token in the body
    now = T0 + 41 * MINUTE; // 31 minutes after /b: a new session of the same visitor
    await view('/c');
    now = T0 + 42 * MINUTE;
    await view('/d', '203.0.113.7', { 'User-Agent': FIREFOX_UA }); // another browser
    await view('/e', '198.51.100.20'); // another address

    const rows = await pageviews();
    expect(rows.map((r) => new URL(r.url).pathname)).toEqual(['/a', '/b', '/c', '/d', '/e']);
    const [a, b, c, d, e] = rows;
    expect(b.visitor_id).toBe(a.visitor_id);
    expect(c.visitor_id).toBe(a.visitor_id);
    expect(new Set([a.visitor_id, d.visitor_id, e.visitor_id]).size).toBe(3);
    expect(b.session_id).toBe(a.session_id);
    expect(c.session_id).not.toBe(a.session_id);
    const session = await db().getRepository(SessionEntity).findOneByOrFail({ id: a.session_id });
    expect(session.is_bounced).toBe(false);
    expect(session.last_activity.getTime() - session.started_at.getTime()).toBe(10 * MINUTE);
    const visitor = await db().getRepository(VisitorEntity).findOneByOrFail({ id: a.visitor_id });
    expect(visitor.visitor_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(visitor.fingerprint_hash).toBe('');
  });

  it('counts the same person on two days twice, and says returning visitors cannot be known', async () => {
    now = T0 + 2 * 60 * MINUTE + 30 * MINUTE; // 00:30 the next day: a new salt
    await view('/a');
    const rows = await pageviews();
    const yesterday = rows[0];
    const today = rows[rows.length - 1];
    expect(today.visitor_id).not.toBe(yesterday.visitor_id);

    const visitors = await analytics('visitors', '2026-06-10', '2026-06-11');
    expect(visitors.unique_visitors).toBe(4); // three browsers on day 1, the first again on day 2
    expect(visitors.returning_visitors_known).toBe(false);
    const returning = await analytics('visitors-returning', '2026-06-11', '2026-06-11');
    expect(returning).toMatchObject({
      new_visitors: 1,
      returning_visitors: 0,
      returning_visitors_known: false,
    });
  });

  it('keeps yesterday’s salt for the grace hour only, then deletes it so days cannot be linked', async () => {
    const salts = () =>
      db()
        .getRepository(VisitorSaltEntity)
        .find({ order: { day: 'ASC' } });
    now = T0 + 2 * 60 * MINUTE + 30 * MINUTE; // 00:30, inside the grace period
    const identity = receiver.app.get(CookielessIdentity);
    await identity.sweep();
    expect((await salts()).map((s) => s.day)).toEqual(['2026-06-10', '2026-06-11']);
    now = T0 + 3 * 60 * MINUTE + MINUTE; // 01:01
    expect(await identity.sweep()).toBe(1);
    const left = await salts();
    expect(left.map((s) => s.day)).toEqual(['2026-06-11']);
    expect(left[0].salt).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is chosen per pageview by the snippet’s cookieless flag on a cookie-mode project', async () => {
    const plain = await createProject(receiver.app);
    now = T0 + 4 * 60 * MINUTE;
    const headers = browserHeaders(plain.publicKey, { 'X-Forwarded-For': '192.0.2.1' });
    const body = { url: 'https://shop.example.com/x', cookieless: true };
    const res = await receiver.http.post(PAGEVIEW, body, headers);
    expect(res.body.data).toEqual({ queued: true, cookieless: true });
    await receiver.http.post(PAGEVIEW, { ...body, url: 'https://shop.example.com/y' }, headers);
    const rows = await db()
      .getRepository(PageviewEntity)
      .find({ where: { project_id: plain.id } });
    expect(rows).toHaveLength(2);
    expect(rows[1].visitor_id).toBe(rows[0].visitor_id);
    expect(rows[1].session_id).toBe(rows[0].session_id);
    // Without the flag the project still needs the client's ids (cookie mode, unchanged).
    const missing = await receiver.http.post(PAGEVIEW, { url: body.url }, headers);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('url, visitor_id and session_token are required');
    const noUrl = await receiver.http.post(PAGEVIEW, { cookieless: true }, headers);
    expect(noUrl.body).toEqual({ success: false, message: 'url is required' });
    const known = await receiver.http.get('/api/analytics/visitors-returning.php?range=7d', {
      'X-API-Key': plain.secretKey,
      'User-Agent': CHROME_UA,
    });
    expect(known.status).toBe(200);
    expect(known.body.data).not.toHaveProperty('returning_visitors_known');
  });
});
