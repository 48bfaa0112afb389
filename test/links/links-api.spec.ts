import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { TrackedLinkEntity } from '../../receiver/storage/entities';
import { adminHeaders, describeReceiver, useReceiverApp } from '../support/receiver-app';
import { createProject, type SeededProject } from '../analytics/analytics-fixtures';

const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describeReceiver('links API and redirect', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { appUrl: 'https://go.example/' } });
  let project: SeededProject;
  let other: SeededProject;
  let headers: Record<string, string>;
  beforeAll(async () => {
    project = await createProject(receiver, 'Links');
    other = await createProject(receiver, 'Elsewhere');
    headers = { 'X-API-Key': project.secretKey, 'X-Test-Mode': 'phpunit' };
  });
  const post = (path: string, body: unknown, h = headers) =>
    receiver.http.post(`/api/links/${path}`, body, h);
  const create = async (destination_url: string, label?: string) =>
    (await post('create.php', { destination_url, label })).body.data;
  const ds = () => receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
  const clicksOf = async (code: string) =>
    ds().query(
      `SELECT c.* FROM link_clicks c JOIN tracked_links l ON l.id = c.link_id WHERE l.code = '${code}'`,
    );

  describe('create', () => {
    it('issues an 8-character code and the short URL, answering 200 with exactly four fields', async () => {
      const res = await post('create.php', {
        destination_url: ' https://example.com/p?q=1 ',
        label: ' Promo ',
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('Link created successfully');
      const { code } = res.body.data;
      expect(code).toMatch(/^[a-zA-Z0-9]{8}$/);
      expect(res.body.data).toEqual({
        code,
        short_url: `https://go.example/api/redirect.php?c=${code}`,
        destination_url: 'https://example.com/p?q=1',
        label: 'Promo',
      });
    });

    it.each([
      [{ label: 'x' }, 'destination_url is required'],
      [{ destination_url: '   ' }, 'destination_url is required'],
      [{ destination_url: 'example.com' }, 'destination_url is not a valid URL'],
      [{ destination_url: 'https://exämple.com' }, 'destination_url is not a valid URL'],
      [{ destination_url: 'ftp://files.example.com/a' }, 'destination_url is not a valid URL'],
      // WHATWG `new URL` repairs these; the original's FILTER_VALIDATE_URL refuses them.
      [{ destination_url: 'http:example.com' }, 'destination_url is not a valid URL'],
      [{ destination_url: 'https:/example.com' }, 'destination_url is not a valid URL'],
      [{ destination_url: 'https:///example.com' }, 'destination_url is not a valid URL'],
      [{ destination_url: 'https:\\\\example.com' }, 'destination_url is not a valid URL'],
      [
        { destination_url: 'https://a.io', label: 'é'.repeat(128) },
        'label must be at most 255 bytes',
      ],
      [{}, 'Invalid or missing JSON body'],
    ])('rejects %j with 400 "%s"', async (body, message) => {
      const res = await post('create.php', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message });
    });

    it('needs the secret key', async () => {
      const res = await post(
        'create.php',
        { destination_url: 'https://a.io' },
        { 'X-API-Key': project.publicKey },
      );
      expect(res.status).toBe(401);
    });
  });

  describe('list, detail, edit, delete', () => {
    it("lists the project's links newest first, inactive included, with all-time clicks", async () => {
      const a = await create('https://example.com/one', 'one');
      const b = await create('https://example.com/two', 'two');
      await post('edit.php', { code: b.code, is_active: false });
      const res = await receiver.http.get('/api/links/list.php', headers);
      expect(res.body.message).toBe('Links fetched successfully');
      const codes = res.body.data.links.map((l: { code: string }) => l.code);
      expect(codes.indexOf(b.code)).toBeLessThan(codes.indexOf(a.code));
      expect(res.body.data.count).toBe(codes.length);
      expect(res.body.data.links.find((l: { code: string }) => l.code === b.code)).toEqual({
        id: expect.any(Number),
        code: b.code,
        short_url: b.short_url,
        destination_url: 'https://example.com/two',
        label: 'two',
        is_active: false,
        total_clicks: 0,
        created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
      });
      const foreign = await receiver.http.get('/api/links/list.php', {
        'X-API-Key': other.secretKey,
      });
      expect(foreign.body.data).toEqual({ count: 0, links: [] });
    });

    it('finds a link by code case-insensitively, only within the project', async () => {
      const link = await create('https://example.com/detail');
      const detail = await receiver.http.get(
        `/api/links/detail.php?code=${link.code.toLowerCase()}`,
        headers,
      );
      expect(detail.status).toBe(200);
      expect(detail.body.data.code).toBe(link.code);
      expect(detail.body.data.total_clicks).toBe(0);
      const missing = await receiver.http.get('/api/links/detail.php', headers);
      expect(missing.body).toEqual({ success: false, message: 'code query parameter is required' });
      const foreign = await receiver.http.get(`/api/links/detail.php?code=${link.code}`, {
        'X-API-Key': other.secretKey,
      });
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual({ success: false, message: 'Link not found' });
    });

    it("edits in the contract's order of checks and answers the updated link", async () => {
      const link = await create('https://example.com/e', 'old');
      const expectBad = async (body: unknown, status: number, message: string) => {
        const res = await post('edit.php', body);
        expect(res.status).toBe(status);
        expect(res.body).toEqual({ success: false, message });
      };
      await expectBad({ label: 'x' }, 400, 'code is required');
      await expectBad({ code: 'NoSuch00', label: 'x' }, 404, 'Link not found');
      await expectBad(
        { code: link.code },
        400,
        'Nothing to update. Provide destination_url, label, or is_active.',
      );
      await expectBad(
        { code: link.code, destination_url: '' },
        400,
        'destination_url cannot be empty',
      );
      await expectBad(
        { code: link.code, destination_url: 'nope' },
        400,
        'destination_url is not a valid URL',
      );
      await expectBad({ code: link.code, is_active: 'no' }, 400, 'is_active must be a boolean');
      const res = await post('edit.php', {
        code: link.code,
        label: '',
        destination_url: 'https://example.com/new',
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe('Link updated successfully');
      expect(res.body.data).toEqual({
        id: expect.any(Number),
        code: link.code,
        short_url: link.short_url,
        destination_url: 'https://example.com/new',
        label: '',
        is_active: true,
        created_at: expect.any(String),
      });
    });

    it('deletes a link with its clicks', async () => {
      const link = await create('https://example.com/gone');
      await receiver.http.get(`/api/redirect.php?c=${link.code}`);
      expect(await clicksOf(link.code)).toHaveLength(1);
      const res = await post('delete.php', { code: link.code });
      expect(res.body).toEqual({
        success: true,
        message: 'Link deleted successfully',
        data: { code: link.code },
      });
      expect(await clicksOf(link.code)).toHaveLength(0);
      expect((await post('delete.php', { code: link.code })).status).toBe(404);
    });
  });

  describe('redirect', () => {
    it('answers 302 to the stored destination and records the click with its facts', async () => {
      const link = await create('https://example.com/landing?x=1');
      const res = await receiver.http.request('GET', `/api/redirect.php?c=${link.code}&extra=1`, {
        headers: { Referer: 'https://www.facebook.com/post/1', 'User-Agent': CHROME_UA },
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://example.com/landing?x=1');
      expect(res.text).toBe(''); // no "Found. Redirecting to …" body (Express's res.redirect)
      // The click is committed before the 302 (inline group commit), so it is visible now.
      const [click] = await clicksOf(link.code);
      expect(click.referrer_url).toBe('https://www.facebook.com/post/1');
      expect(click.referrer_category).toBe('social');
      expect(click.ip_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(click.ip_hash).not.toContain('127.0.0.1');
      expect(Number(click.project_id)).toBe(project.id);
      const [device] = await ds().query(
        `SELECT * FROM devices WHERE id = ${Number(click.device_id)}`,
      );
      expect(device).toMatchObject({ device_type: 'desktop', os: 'Windows', browser: 'Chrome' });
      expect(click.location_id).toBeNull(); // no GeoIP database configured
    });

    it('serves any method, the path without .php and the short /r/<code> form', async () => {
      const link = await create('https://example.com/any');
      for (const [method, path] of [
        ['POST', `/api/redirect.php?c=${link.code}`],
        ['GET', `/api/redirect?c=${link.code}`],
        ['GET', `/r/${link.code}`],
        ['DELETE', `/r/${link.code.toLowerCase()}`],
        ['GET', `/api/redirect.php?c=unknown1&c=${link.code}`], // repeated: the last one, as PHP
      ]) {
        const res = await receiver.http.request(method, path);
        expect([method, path, res.status, res.headers.get('location')]).toEqual([
          method,
          path,
          302,
          'https://example.com/any',
        ]);
      }
      expect(await clicksOf(link.code)).toHaveLength(5);
    });

    it('answers plain-text 400/404 for a missing, unknown or inactive code and a non-http destination', async () => {
      const inactive = await create('https://example.com/off');
      await post('edit.php', { code: inactive.code, is_active: false });
      await ds().getRepository(TrackedLinkEntity).insert({
        project_id: project.id,
        code: 'FtpOnly1',
        destination_url: 'ftp://files.example.com/x',
        label: '',
        is_active: true,
        created_at: new Date(),
      });
      for (const [query, status, text] of [
        ['', 400, 'Missing link code'],
        ['?c=%20', 400, 'Missing link code'],
        ['?c=Unknown0', 404, 'Link not found'],
        [`?c=${inactive.code}`, 404, 'Link not found'],
        ['?c=FtpOnly1', 400, 'Invalid destination URL'],
      ] as const) {
        const res = await receiver.http.get(`/api/redirect.php${query}`);
        expect([query, res.status, res.text]).toEqual([query, status, text]);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      }
      expect(await clicksOf(inactive.code)).toHaveLength(0);
      // A malformed escape is a client error (Fastify refuses the URL itself), never a 500.
      const malformed = await receiver.http.get('/r/%zz');
      expect([400, 404]).toContain(malformed.status);
    });

    it('still redirects the links of a disabled project (as the original)', async () => {
      const link = await create('https://example.com/disabled');
      await receiver.http.post(
        '/api/projects/toggle.php',
        { id: project.id, is_active: false },
        adminHeaders({ 'X-Test-Mode': 'phpunit' }),
      );
      try {
        expect((await receiver.http.get(`/api/redirect.php?c=${link.code}`)).status).toBe(302);
      } finally {
        await receiver.http.post(
          '/api/projects/toggle.php',
          { id: project.id, is_active: true },
          adminHeaders({ 'X-Test-Mode': 'phpunit' }),
        );
      }
    });
  });
});
