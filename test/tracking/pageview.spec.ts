import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  DeviceEntity,
  LocationEntity,
  PageviewEntity,
  SessionEntity,
  VisitorEntity,
} from '../../receiver/storage/entities';
import { cityRecord, writeMmdb } from '../support/mmdb-writer';
import { describeReceiver, useReceiverApp } from '../support/receiver-app';
import { availableEngines } from '../support/services';
import {
  browserHeaders,
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  TestProject,
} from './tracking-fixtures';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const PATH = '/api/track/pageview.php';

describeReceiver('POST /api/track/pageview.php', ({ adapter, engine }) => {
  const dir = mkdtempSync(join(tmpdir(), 'pageview-geo-'));
  const geoFile = join(dir, 'GeoLite2-City.mmdb');
  beforeAll(() => {
    writeMmdb(geoFile, [
      cityRecord('81.2.69.0/24', {
        country: 'United Kingdom',
        countryCode: 'GB',
        region: 'England',
        city: 'London',
      }),
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { geoipDatabase: geoFile, trustedProxies: ['127.0.0.1'] },
  });
  let project: TestProject;
  const db = () => dataSourceOf(receiver.app);
  const pageviewsOf = (projectId: number) =>
    db()
      .getRepository(PageviewEntity)
      .find({ where: { project_id: projectId }, order: { id: 'ASC' } });

  beforeAll(async () => {
    project = await createProject(receiver.app);
  });

  it('answers 202 {queued:true} and stores visitor, session, device, location and the pageview', async () => {
    const body = pageviewBody({ visitor_id: 'visitor-geo' });
    const res = await receiver.http.post(
      PATH,
      body,
      testHeaders(project.publicKey, { 'X-Forwarded-For': '81.2.69.142, 10.0.0.1' }),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });

    const [view] = await pageviewsOf(project.id);
    expect(view).toMatchObject({
      url: body.url,
      page_title: 'Products',
      referrer_url: 'https://www.google.com/',
      referrer_category: 'organic_search',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: '',
      screen_resolution: '1920x1080',
      timezone: 'Europe/London',
    });
    const visitor = await db()
      .getRepository(VisitorEntity)
      .findOneByOrFail({ id: view.visitor_id });
    expect(visitor.visitor_hash).toBe(sha256('visitor-geo'));
    expect(visitor.fingerprint_hash).toBe(sha256(body.fingerprint));
    const session = await db()
      .getRepository(SessionEntity)
      .findOneByOrFail({ id: view.session_id });
    expect(session).toMatchObject({ session_token: body.session_token, is_bounced: true });
    const device = await db().getRepository(DeviceEntity).findOneByOrFail({ id: view.device_id! });
    expect(device).toMatchObject({ device_type: 'desktop', os: 'Windows', browser: 'Chrome' });
    const location = await db()
      .getRepository(LocationEntity)
      .findOneByOrFail({ id: view.location_id! });
    expect(location).toMatchObject({
      country_code: 'GB',
      country: 'United Kingdom',
      city: 'London',
    });
  });

  it('reports the loaded GeoIP database as ok in the health document', async () => {
    const health = await receiver.http.get('/api/health.php');
    expect(health.body.checks.geoip).toEqual({
      status: 'ok',
      message: 'GeoLite2-City.mmdb found',
    });
  });

  it('leaves the location empty when the address is not in the GeoIP database', async () => {
    const p = await createProject(receiver.app);
    await receiver.http.post(PATH, pageviewBody(), testHeaders(p.publicKey));
    const [view] = await pageviewsOf(p.id);
    expect(view.location_id).toBeNull();
  });

  it.each([
    ['url', { url: '' }],
    ['visitor_id', { visitor_id: '   ' }],
    ['session_token', { session_token: undefined }],
  ])('rejects a body without %s with 400 and the contract message', async (_field, override) => {
    const res = await receiver.http.post(
      PATH,
      pageviewBody(override),
      testHeaders(project.publicKey),
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      success: false,
      message: 'url, visitor_id and session_token are required',
    });
  });

  it('refuses a session token longer than the 64-character column instead of losing it', async () => {
    const res = await receiver.http.post(
      PATH,
      pageviewBody({ session_token: 'x'.repeat(65) }),
      testHeaders(project.publicKey),
    );
    expect(res.status).toBe(400);
  });

  it('answers 401 without a key and for a secret key, 403 for a foreign Origin', async () => {
    const noKey = await receiver.http.post(PATH, pageviewBody(), { 'X-Test-Mode': 'phpunit' });
    expect(noKey.status).toBe(401);
    expect(noKey.body.message).toBe('API key is required');
    const secret = await receiver.http.post(PATH, pageviewBody(), testHeaders(project.secretKey));
    expect(secret.status).toBe(401);
    expect(secret.body.message).toBe('Invalid API key');
    const foreign = await receiver.http.post(
      PATH,
      pageviewBody(),
      testHeaders(project.publicKey, { Origin: 'https://evil.test' }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.message).toBe('Domain not allowed for this key');
  });

  it('truncates long fields to their byte limits on a character boundary', async () => {
    const p = await createProject(receiver.app);
    const title = 'é'.repeat(300); // 600 bytes
    const res = await receiver.http.post(
      PATH,
      pageviewBody({
        page_title: title,
        screen_resolution: '1'.repeat(30),
        timezone: 'z'.repeat(150),
      }),
      testHeaders(p.publicKey),
    );
    expect(res.status).toBe(202);
    const [view] = await pageviewsOf(p.id);
    expect(view.page_title).toBe('é'.repeat(256));
    expect(view.screen_resolution).toHaveLength(20);
    expect(view.timezone).toHaveLength(100);
  });

  it('answers 204 with an empty body to bots and stores nothing', async () => {
    const p = await createProject(receiver.app);
    for (const headers of [
      browserHeaders(p.publicKey, { 'User-Agent': 'curl/8.5.0' }),
      browserHeaders(p.publicKey, { 'Accept-Language': '' }),
    ]) {
      const res = await receiver.http.post(PATH, pageviewBody(), headers);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
    }
    expect(await pageviewsOf(p.id)).toHaveLength(0);
  });

  it('still answers 400 to an invalid request from a bot (the filter runs after validation)', async () => {
    const res = await receiver.http.post(
      PATH,
      pageviewBody({ url: '' }),
      browserHeaders(project.publicKey, { 'User-Agent': 'Googlebot/2.1' }),
    );
    expect(res.status).toBe(400);
  });

  it('stores the same URL once within 5 minutes but still extends the session', async () => {
    const p = await createProject(receiver.app);
    const body = pageviewBody();
    await receiver.http.post(PATH, body, testHeaders(p.publicKey));
    const first = await db().getRepository(SessionEntity).findOneByOrFail({ project_id: p.id });
    await new Promise((r) => setTimeout(r, 1100));
    const again = await receiver.http.post(PATH, body, testHeaders(p.publicKey));
    expect(again.status).toBe(202);
    expect(await pageviewsOf(p.id)).toHaveLength(1);
    const session = await db().getRepository(SessionEntity).findOneByOrFail({ id: first.id });
    expect(session.last_activity.getTime()).toBeGreaterThan(first.last_activity.getTime());
    expect(session.is_bounced).toBe(true);
  });

  it('un-bounces a session at its second stored pageview and keeps one visitor', async () => {
    const p = await createProject(receiver.app);
    const body = pageviewBody();
    await receiver.http.post(PATH, body, testHeaders(p.publicKey));
    await receiver.http.post(
      PATH,
      { ...body, url: 'https://shop.example.com/cart' },
      testHeaders(p.publicKey),
    );
    const views = await pageviewsOf(p.id);
    expect(views).toHaveLength(2);
    expect(views[0].session_id).toBe(views[1].session_id);
    expect(views[0].visitor_id).toBe(views[1].visitor_id);
    const session = await db()
      .getRepository(SessionEntity)
      .findOneByOrFail({ id: views[0].session_id });
    expect(session.is_bounced).toBe(false);
    expect(await db().getRepository(VisitorEntity).countBy({ project_id: p.id })).toBe(1);
  });

  it('keeps sessions of two projects apart even with the same token', async () => {
    const a = await createProject(receiver.app);
    const b = await createProject(receiver.app);
    const body = pageviewBody({ session_token: 'shared-token' });
    await receiver.http.post(PATH, body, testHeaders(a.publicKey));
    await receiver.http.post(PATH, body, testHeaders(b.publicKey));
    const sessions = await db()
      .getRepository(SessionEntity)
      .findBy({ session_token: 'shared-token' });
    expect(sessions.map((s) => s.project_id).sort()).toEqual([a.id, b.id].sort());
  });

  it('fills a visitor fingerprint once and never overwrites it', async () => {
    const p = await createProject(receiver.app);
    const base = pageviewBody({ fingerprint: '' });
    await receiver.http.post(PATH, base, testHeaders(p.publicKey));
    await receiver.http.post(
      PATH,
      { ...base, url: base.url + '&a=1', fingerprint: 'first' },
      testHeaders(p.publicKey),
    );
    await receiver.http.post(
      PATH,
      { ...base, url: base.url + '&a=2', fingerprint: 'second' },
      testHeaders(p.publicKey),
    );
    const visitor = await db().getRepository(VisitorEntity).findOneByOrFail({ project_id: p.id });
    expect(visitor.fingerprint_hash).toBe(sha256('first'));
  });

  it('stores every pageview of a concurrent burst exactly once', async () => {
    const p = await createProject(receiver.app);
    const bodies = Array.from({ length: 40 }, (_, i) =>
      pageviewBody({
        visitor_id: `burst-${i % 5}`,
        session_token: `burst-s-${i % 5}`,
        url: `https://shop.example.com/p/${i}`,
      }),
    );
    const answers = await Promise.all(
      bodies.map((body) => receiver.http.post(PATH, body, testHeaders(p.publicKey))),
    );
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(await pageviewsOf(p.id)).toHaveLength(40);
    expect(await db().getRepository(SessionEntity).countBy({ project_id: p.id })).toBe(5);
  });
});

// MariaDB on the collation most servers default to (`utf8mb4_general_ci`), where `ABC` = `abc`.
describe.each(availableEngines())('session tokens differing only in letter case [%s]', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    mariadbCollation: 'utf8mb4_general_ci',
  });

  it('are two sessions, each pageview stored, on every engine and collation', async () => {
    const p = await createProject(receiver.app);
    const db = dataSourceOf(receiver.app);
    for (const [visitor, token] of [
      ['upper-visitor', 'Tab-Session'],
      ['lower-visitor', 'tab-session'],
    ]) {
      const body = pageviewBody({ visitor_id: visitor, session_token: token });
      const res = await receiver.http.post(PATH, body, testHeaders(p.publicKey));
      expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });
    }
    const views = await db.getRepository(PageviewEntity).findBy({ project_id: p.id });
    expect(views).toHaveLength(2);
    const sessions = await db.getRepository(SessionEntity).findBy({ project_id: p.id });
    expect(sessions.map((s) => s.session_token).sort()).toEqual(['Tab-Session', 'tab-session']);
  });
});

describe.each(availableEngines())('visitor ids differing only in letter case [%s]', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    mariadbCollation: 'utf8mb4_general_ci',
  });

  it('are two visitors, each pageview stored, on every engine and collation', async () => {
    const p = await createProject(receiver.app);
    const db = dataSourceOf(receiver.app);
    for (const [visitor, token] of [
      ['Visitor-A', 'session-1'],
      ['visitor-a', 'session-2'],
    ]) {
      const body = pageviewBody({ visitor_id: visitor, session_token: token });
      const res = await receiver.http.post(PATH, body, testHeaders(p.publicKey));
      expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });
    }
    expect(await db.getRepository(PageviewEntity).countBy({ project_id: p.id })).toBe(2);
    // Stored as digests of the exact id: no collation can merge them.
    expect(await db.getRepository(VisitorEntity).countBy({ project_id: p.id })).toBe(2);
  });
});
