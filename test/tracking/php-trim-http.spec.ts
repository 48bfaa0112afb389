/**
 * "Trimmed" means PHP's trim() end to end: values sent with space, \t, \n, \r, \0 and \x0B around
 * them are stored and grouped as the bare value, while U+00A0, U+2028, U+3000 and the other
 * characters only JavaScript's trim() strips stay part of the value — a title ending in a no-break
 * space is its own pages row, as in the original engine.
 */
import { createProject, type SeededProject } from '../analytics/analytics-fixtures';
import { adminHeaders, describeReceiver, useReceiverApp } from '../support/receiver-app';
import { codePoint, PHP_KEPT, PHP_TRIMMED_RUN } from '../support/white-space';
import { pageviewBody } from './tracking-fixtures';

/** The six PHP-trimmed characters on both ends, in opposite orders. */
const padded = (value: string) =>
  `${PHP_TRIMMED_RUN}${value}${[...PHP_TRIMMED_RUN].reverse().join('')}`;

const URL_HOME = 'https://site.test/home';

describeReceiver('PHP trim semantics through HTTP', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { appUrl: 'https://go.site.test' } });
  let project: SeededProject;
  let secret: Record<string, string>;
  beforeAll(async () => {
    project = await createProject(receiver, 'Trim');
    secret = { 'X-API-Key': project.secretKey, 'X-Test-Mode': 'phpunit' };
  });
  const analytics = async (path: string) => {
    const res = await receiver.http.get(`/api/analytics/${path}`, secret);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const pageview = (body: Record<string, unknown>) =>
    receiver.http.post('/api/track/pageview.php', pageviewBody({ referrer: '', ...body }), {
      'X-API-Key': project.publicKey,
      'X-Test-Mode': 'phpunit',
      Origin: 'https://site.test',
    });

  describe('pageviews', () => {
    beforeAll(async () => {
      const titles = [
        'Home',
        padded('Home'),
        ...PHP_KEPT.map((c) => padded(`Home${c}`)),
        ...PHP_KEPT.map((c) => padded(`${c}Home${c}`)),
      ];
      for (const page_title of titles) {
        expect((await pageview({ url: padded(URL_HOME), page_title })).status).toBe(202);
      }
      // The same visitor with padding; two others whose ids end in U+00A0 and U+3000.
      const visitors = ['visitor-1', padded('visitor-1'), 'visitor-1\u00A0', 'visitor-1\u3000'];
      for (const visitor_id of visitors) {
        const body = { url: 'https://site.test/visitors', page_title: 'V', visitor_id };
        expect((await pageview(body)).status).toBe(202);
      }
      for (const referrer of [padded('https://www.google.com/'), 'https://www.google.com/\u3000']) {
        expect((await pageview({ url: 'https://site.test/r', referrer })).status).toBe(202);
      }
    });

    it('pages.php merges PHP-trimmed titles and URLs and keeps a title per other white space', async () => {
      const { pages } = await analytics('pages.php?range=1d&limit=100');
      const home = pages.filter((p: { url: string }) => p.url === URL_HOME);
      const rows = home.map((p: { page_title: string; pageviews: number }) => [
        [...p.page_title].map((c) => (PHP_KEPT.includes(c) ? codePoint(c) : c)).join(''),
        p.pageviews,
      ]);
      expect(rows.sort()).toEqual(
        [
          ['Home', 2],
          ...PHP_KEPT.map((c) => [`Home${codePoint(c)}`, 1]),
          ...PHP_KEPT.map((c) => [`${codePoint(c)}Home${codePoint(c)}`, 1]),
        ].sort(),
      );
      expect(pages.some((p: { url: string }) => p.url !== p.url.trim())).toBe(false);
    });

    it('hashes the PHP-trimmed visitor id: padding is the same visitor, U+00A0 and U+3000 others', async () => {
      const { pages } = await analytics('pages.php?range=1d&limit=100');
      expect(pages.find((p: { url: string }) => p.url === 'https://site.test/visitors')).toEqual({
        url: 'https://site.test/visitors',
        page_title: 'V',
        pageviews: 3, // the padded id is visitor-1 again: its repeat of the URL is deduplicated
        unique_visitors: 3,
      });
    });

    it('stores and categorises the trimmed referrer; one ending in U+3000 keeps it', async () => {
      const { top_referrers } = await analytics('referrers.php?range=1d');
      const sorted = [...top_referrers].sort((a, b) => (a.referrer_url < b.referrer_url ? -1 : 1));
      expect(sorted).toEqual([
        { referrer_url: 'https://www.google.com/', pageviews: 1 },
        { referrer_url: 'https://www.google.com/\u3000', pageviews: 1 },
      ]);
      const { by_category } = await analytics('referrers.php?range=1d');
      expect(by_category.find((c: { category: string }) => c.category !== 'direct')).toEqual({
        category: 'organic_search',
        pageviews: 2,
        unique_visitors: 2,
      });
    });
  });

  it('errors: padded fields group with the bare ones, a trailing U+00A0 is another group', async () => {
    const send = (body: Record<string, unknown>) =>
      receiver.http.post('/api/track/error.php', body, secret);
    const bare = { message: 'Boom', error_type: 'TypeError', file: 'app.js' };
    expect((await send(bare)).status).toBe(202);
    const paddedBody = { message: padded('Boom'), error_type: padded('TypeError') };
    expect((await send({ ...paddedBody, file: padded('app.js') })).status).toBe(202);
    expect((await send({ ...bare, message: 'Boom\u00A0' })).status).toBe(202);
    // Only PHP white space: empty after trimming, so the required message is missing.
    const empty = await send({ message: PHP_TRIMMED_RUN });
    expect(empty.status).toBe(400);
    const kept = await send({ message: '\u2028' });
    expect(kept.status).toBe(202);

    const { errors } = await analytics('errors.php?range=1d');
    const byMessage = Object.fromEntries(
      errors.map((e: { message: string; occurrence_count: number }) => [
        e.message,
        e.occurrence_count,
      ]),
    );
    expect(byMessage).toEqual({ Boom: 2, 'Boom\u00A0': 1, '\u2028': 1 });
  });

  it('audits: action and actor trimmed on the way in, and the analytics filters trimmed too', async () => {
    const res = await receiver.http.post(
      '/api/track/audit.php',
      { action: padded('user.login'), actor: padded('ann@site.test\u3000') },
      secret,
    );
    expect(res.status).toBe(202);
    const filtered = await analytics(
      `audits.php?range=1d&action=${encodeURIComponent(padded('user.login'))}`,
    );
    expect(filtered.logs).toEqual([
      expect.objectContaining({ action: 'user.login', actor: 'ann@site.test\u3000' }),
    ]);
    const nbsp = await analytics(
      `audits.php?range=1d&action=${encodeURIComponent('user.login\u00A0')}`,
    );
    expect(nbsp.count).toBe(0);
  });

  it('links: destination and label trimmed; the redirect code too, but not of U+00A0', async () => {
    const created = await receiver.http.post(
      '/api/links/create.php',
      { destination_url: padded('https://site.test/offer'), label: padded('\u00A0Spring\u00A0') },
      secret,
    );
    expect(created.status).toBe(200);
    const { code } = created.body.data as { code: string };
    const detail = await receiver.http.get(
      `/api/links/detail.php?code=${encodeURIComponent(padded(code))}`,
      secret,
    );
    expect(detail.body.data).toMatchObject({
      destination_url: 'https://site.test/offer',
      label: '\u00A0Spring\u00A0',
    });
    const nbspDetail = await receiver.http.get(
      `/api/links/detail.php?code=${encodeURIComponent(`${code}\u00A0`)}`,
      secret,
    );
    expect(nbspDetail.status).toBe(404);
    const unicodePadded = await receiver.http.post(
      '/api/links/create.php',
      { destination_url: 'https://site.test/offer\u00A0' },
      secret,
    );
    expect(unicodePadded.status).toBe(400);
    expect(unicodePadded.body.message).toBe('destination_url is not a valid URL');

    const redirect = await receiver.http.get(
      `/api/redirect.php?c=${encodeURIComponent(padded(code))}`,
    );
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://site.test/offer');
    const nbsp = await receiver.http.get(
      `/api/redirect.php?c=${encodeURIComponent(`${code}\u00A0`)}`,
    );
    expect(nbsp.status).toBe(404);
  });

  it('projects: the name keeps U+3000, loses PHP white space; verify trims the key', async () => {
    const created = await receiver.http.post(
      '/api/projects/create.php',
      { name: padded('Shop\u3000'), allowed_domains: [padded('shop.site.test')] },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      name: 'Shop\u3000',
      allowed_domains: ['shop.site.test'],
    });
    const verify = (key: string) => receiver.http.post('/api/projects/verify.php', { key });
    const ok = await verify(padded(created.body.data.secret_key as string));
    expect(ok.body.data).toMatchObject({
      valid: true,
      key_type: 'secret',
      project_name: 'Shop\u3000',
    });
    const nbsp = await verify(`${created.body.data.secret_key as string}\u00A0`);
    expect(nbsp.body.data).toEqual({ valid: false });
  });
});
