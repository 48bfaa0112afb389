import type { Browser, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { ReceiverClock } from '../../receiver/common/time/receiver-time';
import { ErrorGroupEntity, PageviewEntity, VisitorEntity } from '../../receiver/storage/entities';
import { adminHeaders, createReceiverApp, ReceiverApp } from '../support/receiver-app';
import {
  describeWithChromium,
  launchChromium,
  serveSite,
  type TestSite,
} from '../support/chromium';
import { createIsolatedDatabase, IsolatedDatabase } from '../support/services';
import { eventually } from '../support/eventually';
import { ensureSnippetBuilt } from '../support/snippet-build';
import { CHROME_UA, createProject, dataSourceOf, TestProject } from '../tracking/tracking-fixtures';

const DAY = 86_400_000;

/** Everything the page could have left on the device. */
const deviceStorage = (tab: Page) =>
  tab.evaluate(() => ({
    cookie: document.cookie,
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
  }));
const NOTHING = { cookie: '', localStorage: 0, sessionStorage: 0 };

type MicrologsGlobal = { Micrologs: { consent(granted: boolean): void } };

describeWithChromium('cookieless mode and consent in a real Chromium', () => {
  let site: TestSite;
  let siteUrl: string;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let browser: Browser;
  let db: DataSource;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    ensureSnippetBuilt();
    site = await serveSite((url) => {
      const key = url.searchParams.get('page') ?? '';
      return pages.get(key) ?? '<!doctype html><title>none</title>';
    });
    siteUrl = site.url;
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: { allowedOrigins: [siteUrl], respectPrivacySignals: true },
    });
    db = dataSourceOf(receiver.app);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await browser?.close();
    await receiver?.close();
    await database?.drop();
    await site?.close();
  });

  /** A site page embedding the snippet for `project`, with extra attributes on the tag. */
  const sitePage = (project: TestProject, attributes = ''): string => {
    const key = `${project.id}-${pages.size}`;
    pages.set(
      key,
      `<!doctype html><html><head><title>Shop</title>
      <script src="${receiver.url}/snippet/micrologs.js" data-public-key="${project.publicKey}"
        ${attributes}></script></head><body>shop</body></html>`,
    );
    return `${siteUrl}/shop?page=${key}`;
  };
  const browse = async (headers: Record<string, string> = {}) =>
    browser.newContext({ userAgent: CHROME_UA, locale: 'en-GB', extraHTTPHeaders: headers });
  const pageviewsOf = (project: TestProject) =>
    db
      .getRepository(PageviewEntity)
      .find({ where: { project_id: project.id }, order: { id: 'ASC' } });

  const cookielessProject = async (): Promise<TestProject> => {
    const project = await createProject(receiver.app, '127.0.0.1');
    const edit = await receiver.http.post(
      '/api/projects/edit.php',
      { id: project.id, cookieless: true },
      adminHeaders(),
    );
    expect(edit.body.data.cookieless).toBe(true);
    return project;
  };

  it('stores nothing on the device for a cookieless project, over several pageviews, and counts the visit', async () => {
    const project = await cookielessProject();
    const context = await browse();
    const tab = await context.newPage();
    const url = sitePage(project);
    await tab.goto(url);
    await eventually(
      () => pageviewsOf(project),
      (rows) => rows.length >= 1,
    );
    await tab.evaluate(() => history.pushState({}, '', '/shop/cart'));
    await tab.evaluate(() => history.pushState({}, '', '/shop/checkout'));
    await tab.goto(`${url}&product=42`); // a second page load of the same site
    const views = await eventually(
      () => pageviewsOf(project),
      (rows) => rows.length >= 4,
    );
    expect(views.map((v) => new URL(v.url).pathname)).toEqual([
      '/shop',
      '/shop/cart',
      '/shop/checkout',
      '/shop',
    ]);
    expect(await deviceStorage(tab)).toEqual(NOTHING);
    expect(new Set(views.map((v) => v.visitor_id)).size).toBe(1);
    expect(new Set(views.map((v) => v.session_id)).size).toBe(1);
    const visitor = await db
      .getRepository(VisitorEntity)
      .findOneByOrFail({ id: views[0].visitor_id });
    expect(visitor.fingerprint_hash).toBe(''); // no fingerprint was ever computed or sent
    const stats = await receiver.http.get('/api/analytics/visitors.php?range=7d', {
      'X-API-Key': project.secretKey,
    });
    expect(stats.body.data).toMatchObject({
      unique_visitors: 1,
      total_pageviews: 4,
      total_sessions: 1,
      returning_visitors_known: false,
    });
    await context.close();
  });

  it('stores nothing with data-cookieless="true" on a cookie-mode project, and keeps the cookie without it', async () => {
    const project = await createProject(receiver.app, '127.0.0.1');
    const quiet = await browse();
    const tab = await quiet.newPage();
    await tab.goto(sitePage(project, 'data-cookieless="true"'));
    await tab.evaluate(() => history.pushState({}, '', '/shop/cart'));
    await eventually(
      () => pageviewsOf(project),
      (rows) => rows.length >= 2,
    );
    expect(await deviceStorage(tab)).toEqual(NOTHING);
    await quiet.close();

    // The same project without the attribute: the original behaviour, cookie and sessionStorage.
    const plain = await browse();
    const other = await plain.newPage();
    await other.goto(sitePage(project));
    const stored = await eventually(
      () => deviceStorage(other),
      (s) => s.cookie.includes('_ml_vid=') && s.sessionStorage === 2,
    );
    expect(stored.cookie).toMatch(/^_ml_vid=[0-9a-f-]{36}$/);
    expect(await pageviewsOf(project)).toHaveLength(3);
    await plain.close();
  });

  it('counts the same person on two days twice, as promised', async () => {
    const project = await cookielessProject();
    const clock = receiver.app.get(ReceiverClock);
    const context = await browse();
    const tab = await context.newPage();
    const url = sitePage(project);
    const today = Date.now();
    const spy = jest.spyOn(clock, 'now');
    try {
      spy.mockImplementation(() => today);
      await tab.goto(url);
      await eventually(
        () => pageviewsOf(project),
        (rows) => rows.length >= 1,
      );
      spy.mockImplementation(() => today + DAY);
      await tab.goto(url);
      const views = await eventually(
        () => pageviewsOf(project),
        (rows) => rows.length >= 2,
      );
      expect(views).toHaveLength(2);
      expect(views[1].visitor_id).not.toBe(views[0].visitor_id);
      expect(await deviceStorage(tab)).toEqual(NOTHING);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const stats = await receiver.http.get(
        `/api/analytics/visitors.php?range=custom&from=${day(today)}&to=${day(today + DAY)}`,
        { 'X-API-Key': project.secretKey },
      );
      expect(stats.body.data.unique_visitors).toBe(2);
    } finally {
      spy.mockRestore();
      await context.close();
    }
  });

  it('with data-consent="pending" sends and stores nothing until Micrologs.consent(true)', async () => {
    const project = await createProject(receiver.app, '127.0.0.1');
    const context = await browse();
    const tab = await context.newPage();
    await tab.goto(sitePage(project, 'data-consent="pending"'));
    await tab.evaluate(() => {
      history.pushState({}, '', '/shop/cart');
      setTimeout(() => {
        throw new Error('before consent');
      });
    });
    await tab.waitForTimeout(500);
    expect(await pageviewsOf(project)).toHaveLength(0);
    expect(await db.getRepository(ErrorGroupEntity).countBy({ project_id: project.id })).toBe(0);
    expect(await deviceStorage(tab)).toEqual(NOTHING);

    await tab.evaluate(() => (window as unknown as MicrologsGlobal).Micrologs.consent(true));
    const views = await eventually(
      () => pageviewsOf(project),
      (rows) => rows.length >= 1,
    );
    expect(views.map((v) => new URL(v.url).pathname)).toEqual(['/shop/cart']);
    await eventually(
      () => deviceStorage(tab),
      (s) => s.cookie.includes('_ml_vid='),
    );
    await context.close();
  });

  it('drops everything after Micrologs.consent(false) and removes what was stored', async () => {
    const project = await createProject(receiver.app, '127.0.0.1');
    const context = await browse();
    const tab = await context.newPage();
    await tab.goto(sitePage(project));
    await eventually(
      () => deviceStorage(tab),
      (s) => s.cookie.includes('_ml_vid='),
    );
    await tab.evaluate(() => {
      (window as unknown as MicrologsGlobal).Micrologs.consent(false);
      history.pushState({}, '', '/shop/after-refusal');
    });
    await tab.waitForTimeout(500);
    expect((await pageviewsOf(project)).map((v) => new URL(v.url).pathname)).toEqual(['/shop']);
    expect(await deviceStorage(tab)).toEqual(NOTHING);
    await context.close();
  });

  it.each([
    ['Sec-GPC: 1', { 'Sec-GPC': '1' }],
    ['DNT: 1', { DNT: '1' }],
  ])(
    'does not store pageviews of a browser sending %s, and the page works as usual',
    async (_n, headers) => {
      const project = await cookielessProject();
      const context = await browse(headers);
      const tab = await context.newPage();
      const answers: number[] = [];
      tab.on('response', (response) => {
        if (response.url().includes('/api/track/pageview')) answers.push(response.status());
      });
      await tab.goto(sitePage(project));
      await tab.evaluate(() => history.pushState({}, '', '/shop/cart'));
      await eventually(
        async () => answers,
        (a) => a.length >= 2,
      );
      expect(answers).toEqual([202, 202]);
      await tab.waitForTimeout(200);
      expect(await pageviewsOf(project)).toHaveLength(0);
      expect(await deviceStorage(tab)).toEqual(NOTHING);
      await context.close();
    },
  );
});
