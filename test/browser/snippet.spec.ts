import type { Browser, Page } from 'playwright-core';
import type { DataSource } from 'typeorm';
import {
  AuditLogEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  PageviewEntity,
  SessionEntity,
} from '../../receiver/storage/entities';
import { createReceiverApp, ReceiverApp } from '../support/receiver-app';
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

describeWithChromium('browser snippet in a real Chromium', () => {
  let site: TestSite;
  let siteUrl: string;
  let database: IsolatedDatabase;
  let receiver: ReceiverApp;
  let browser: Browser;
  let project: TestProject;
  let page: string;
  let db: DataSource;

  beforeAll(async () => {
    ensureSnippetBuilt();
    site = await serveSite(() => page);
    siteUrl = site.url;
    database = await createIsolatedDatabase('sqlite');
    receiver = await createReceiverApp({
      adapter: 'fastify',
      database: database.options,
      options: { allowedOrigins: [siteUrl] },
    });
    db = dataSourceOf(receiver.app);
    project = await createProject(receiver.app, '127.0.0.1');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await database?.drop();
    await site?.close();
  });

  const openPage = async (html: string): Promise<Page> => {
    page = html;
    const context = await browser.newContext({ userAgent: CHROME_UA, locale: 'en-GB' });
    const tab = await context.newPage();
    await tab.goto(`${siteUrl}/shop?utm_source=newsletter`);
    return tab;
  };

  it('records pageviews (also on SPA navigation), thrown errors and rejections in one session', async () => {
    const tab = await openPage(`<!doctype html><html><head><title>Shop</title>
      <script src="${receiver.url}/snippet/micrologs.js" data-public-key="${project.publicKey}"
        data-environment="staging"></script></head><body>shop</body></html>`);
    await tab.evaluate(() => history.pushState({}, '', '/shop/cart'));
    await tab.evaluate(() => {
      setTimeout(() => {
        throw new TypeError('kaboom');
      });
      void Promise.reject(new Error('rejected promise'));
      (window as unknown as { Micrologs: { audit(a: string, b: string): void } }).Micrologs.audit(
        'cart.view',
        'bob',
      );
    });

    const views = await eventually(
      () =>
        db
          .getRepository(PageviewEntity)
          .find({ where: { project_id: project.id }, order: { id: 'ASC' } }),
      (rows) => rows.length >= 2,
    );
    expect(views.map((v) => new URL(v.url).pathname)).toEqual(['/shop', '/shop/cart']);
    expect(views[0].utm_source).toBe('newsletter');
    expect(views[1].session_id).toBe(views[0].session_id);
    expect(views[1].visitor_id).toBe(views[0].visitor_id);
    const session = await db
      .getRepository(SessionEntity)
      .findOneByOrFail({ id: views[0].session_id });
    expect(session.is_bounced).toBe(false);

    const groups = await eventually(
      () => db.getRepository(ErrorGroupEntity).find({ where: { project_id: project.id } }),
      (rows) => rows.length >= 2,
    );
    expect(groups.map((g) => [g.error_type, g.message]).sort()).toEqual([
      ['Error', 'rejected promise'],
      ['TypeError', 'Uncaught TypeError: kaboom'],
    ]);
    expect(groups.every((g) => g.environment === 'staging')).toBe(true);
    const events = await db
      .getRepository(ErrorEventEntity)
      .find({ where: { project_id: project.id } });
    expect(events.every((e) => e.stack_trace && e.device_id !== null)).toBe(true);
    const audits = await eventually(
      () => db.getRepository(AuditLogEntity).find({ where: { project_id: project.id } }),
      (rows) => rows.length >= 1,
    );
    expect(audits[0]).toMatchObject({ action: 'cart.view', actor: 'bob' });
    await tab.context().close();
  });

  it('accepts the request format of the original Micrologs snippet v1.1.0', async () => {
    const original = await createProject(receiver.app, '127.0.0.1');
    // The page replays the exact calls of the original snippet (fetch + keepalive + its bodies).
    const tab = await openPage('<!doctype html><title>Original</title><body>original</body>');
    await tab.evaluate(
      async ({ api, key }) => {
        const send = (path: string, body: object) =>
          fetch(api + path, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'X-API-Key': key },
            body: JSON.stringify(body),
            keepalive: true,
          });
        const common = {
          page_title: document.title || '',
          referrer: document.referrer || '',
          visitor_id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
          session_token: 'f0e1d2c3-b4a5-4968-8776-655443322110',
          fingerprint: [
            navigator.userAgent,
            navigator.language,
            '1280x720',
            24,
            0,
            true,
            true,
            'AAAA',
          ].join('|'),
          screen_resolution: '1280x720',
          timezone: 'Europe/London',
          utm_source: 'newsletter',
          utm_medium: '',
          utm_campaign: '',
          utm_content: '',
          utm_term: '',
        };
        await send('/api/track/pageview.php', { url: location.href, ...common });
        await send('/api/track/pageview.php', { url: location.href + '#reviews', ...common });
        await send('/api/track/error.php', {
          message: 'Uncaught ReferenceError: foo is not defined',
          error_type: 'ReferenceError',
          file: location.href,
          line: 12,
          stack: 'ReferenceError: foo is not defined\n    at app.js:12:5',
          url: location.href,
          severity: 'error',
          environment: 'production',
          context: null,
        });
        await send('/api/track/error.php', {
          message: 'Checkout failed',
          error_type: 'ManualError',
          file: location.href,
          url: location.href,
          severity: 'warning',
          environment: 'production',
          context: { step: 2 },
        });
        await send('/api/track/audit.php', { action: 'checkout.start', actor: '', context: null });
      },
      { api: receiver.url, key: original.publicKey },
    );
    const views = await db
      .getRepository(PageviewEntity)
      .find({ where: { project_id: original.id } });
    expect(views).toHaveLength(2);
    expect(views[0].session_id).toBe(views[1].session_id);
    const groups = await db
      .getRepository(ErrorGroupEntity)
      .find({ where: { project_id: original.id } });
    expect(groups.map((g) => g.error_type).sort()).toEqual(['ManualError', 'ReferenceError']);
    expect(await db.getRepository(AuditLogEntity).countBy({ project_id: original.id })).toBe(1);
    await tab.context().close();
  });
});
