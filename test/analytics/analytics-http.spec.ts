import type { DataSource } from 'typeorm';
import {
  ANALYTICS_CACHE_STORE,
  AnalyticsCache,
  type AnalyticsCacheStore,
} from '../../receiver/cache';
import { ErrorReads } from '../../receiver/analytics/error-reads.service';
import { LinkReads } from '../../receiver/analytics/link-reads.service';
import { LinksService } from '../../receiver/links/links.service';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { LinkClickEntity, PageviewEntity } from '../../receiver/storage/entities';
import { adminHeaders, describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { FIXTURE_TIMEZONE, seedAnalytics, WINDOW, type Seed } from './analytics-fixtures';

const ENDPOINTS = [
  'visitors',
  'visitors-returning',
  'sessions',
  'pages',
  'devices',
  'locations',
  'referrers',
  'utm',
  'errors',
  'errors-trend',
  'error-detail',
  'audits',
  'links',
  'link-detail',
];
const admin = adminHeaders({ 'X-Test-Mode': 'phpunit' });

describeEachAdapter('analytics over HTTP: auth, ranges, CSV, cache', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { timezone: FIXTURE_TIMEZONE } });
  let seed: Seed;
  let headers: Record<string, string>;
  beforeAll(async () => {
    seed = await seedAnalytics(receiver);
    headers = { 'X-API-Key': seed.project.secretKey, 'X-Test-Mode': 'phpunit' };
  });
  const get = (path: string, h: Record<string, string> = headers) =>
    receiver.http.get(`/api/analytics/${path}`, h);
  const ds = () => receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);

  describe('authentication', () => {
    it.each(ENDPOINTS)('%s refuses a missing key (401) and a public key (401)', async (name) => {
      const missing = await get(`${name}.php`, { 'X-Test-Mode': 'phpunit' });
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ success: false, message: 'API key is required' });
      const pub = await get(`${name}.php`, {
        'X-API-Key': seed.project.publicKey,
        'X-Test-Mode': 'phpunit',
      });
      expect(pub.status).toBe(401);
      expect(pub.body).toEqual({ success: false, message: 'Invalid API key' });
    });
  });

  describe('rate limit', () => {
    it('allows 60 requests a minute per endpoint and IP, then blocks only that endpoint', async () => {
      const plain = { 'X-API-Key': seed.project.secretKey }; // no test-mode header: limits apply
      for (let i = 0; i < 60; i++) {
        expect((await get('utm.php?range=1d', plain)).status).toBe(200);
      }
      const blocked = await get('utm.php?range=1d', plain);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ error: 'Too many attempts. You are temporarily blocked.' });
      expect((await get('referrers.php?range=1d', plain)).status).toBe(200);
    });
  });

  describe('range rules', () => {
    it.each([
      ['range=custom', 'Invalid date format. Use YYYY-MM-DD'],
      ['range=custom&from=2026-01-01', 'Invalid date format. Use YYYY-MM-DD'],
      ['range=custom&from=2026-02-30&to=2026-03-01', 'Invalid date format. Use YYYY-MM-DD'],
      ['range=custom&from=2026-01-02&to=2026-01-01', "'from' must be before 'to'"],
      ['range=custom&from=2025-01-01&to=2026-01-02', 'Custom date range cannot exceed 365 days'],
    ])('%s → 400 "%s" on every endpoint, before id/code checks', async (query, message) => {
      for (const name of ENDPOINTS) {
        const res = await get(`${name}.php?${query}`);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ success: false, message });
      }
    });

    it('echoes today − N … today with times, N+1 dates for range=7d', async () => {
      const res = await get('visitors.php?range=7d');
      const { from, to } = res.body.data.range;
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2} 00:00:00$/);
      expect(to).toMatch(/^\d{4}-\d{2}-\d{2} 23:59:59$/);
      const days = (Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000;
      expect(days).toBe(7);
    });

    it('clamps range=400d to 365 days', async () => {
      const { from, to } = (await get('visitors.php?range=400d')).body.data.range;
      expect((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000).toBe(365);
    });

    it('reads a repeated parameter as its last value, as PHP does (range=7d&range=2d is 2d)', async () => {
      const spanOf = async (query: string) => {
        const { from, to } = (await get(`visitors.php?${query}`)).body.data.range;
        return (Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000;
      };
      expect(await spanOf('range=7d&range=2d')).toBe(2);
      expect(await spanOf('range=custom&from=2026-01-01&to=2026-01-09&to=2026-01-03')).toBe(2);
    });
  });

  describe('CSV export', () => {
    it('answers the first list of an endpoint as a CSV download', async () => {
      const res = await get(`visitors.php?${WINDOW}&format=csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toBe(
        'attachment; filename="visitors-over_time-2026-01-10_2026-01-12.csv"',
      );
      expect(res.text).toBe(
        'date,pageviews,unique_visitors\r\n2026-01-10,3,2\r\n2026-01-12,3,1\r\n',
      );
    });

    it('picks another list with list=, flattening nested objects', async () => {
      const os = await get(`devices.php?${WINDOW}&format=csv&list=by_os`);
      expect(os.text).toBe('os,pageviews\r\niOS,4\r\nWindows,2\r\n');
      const events = await get(`error-detail.php?${WINDOW}&id=${seed.groups.g1}&format=csv`);
      expect(events.text.split('\r\n')[0]).toBe(
        'id,stack_trace,url,environment,severity,context,created_at,device.type,device.os,' +
          'device.browser,location.country,location.country_code,location.city',
      );
    });

    it('refuses an unknown list with 400 and keeps errors as JSON envelopes', async () => {
      const res = await get(`devices.php?${WINDOW}&format=csv&list=nope`);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        'Unknown list "nope" for format=csv. Use one of: by_device, by_os, by_browser',
      );
      const bad = await get('visitors.php?range=custom&format=csv');
      expect(bad.status).toBe(400);
      expect(bad.body.success).toBe(false);
    });
  });

  describe('cache', () => {
    const store = () => receiver.app.get<AnalyticsCacheStore>(ANALYTICS_CACHE_STORE);

    it('serves a repeated request from the cache until it is invalidated', async () => {
      const first = (await get(`utm.php?${WINDOW}`)).body.data;
      await ds()
        .getRepository(PageviewEntity)
        .insert({
          project_id: seed.project.id,
          session_id: 1,
          visitor_id: 1,
          url: 'https://site.test/x?utm_campaign=new',
          utm_campaign: 'new',
          created_at: new Date('2026-01-11T00:00:00Z'),
        });
      // Written behind the ingest's back: rebuild its rollups, as the fixture does.
      await receiver.app.get(RollupRebuildService).rebuild();
      expect((await get(`utm.php?${WINDOW}`)).body.data).toEqual(first);
      expect(
        await store().get(
          `analytics:utm:${seed.project.id}:2026-01-10 00:00:00:2026-01-12 23:59:59`,
        ),
      ).toBeDefined();
    });

    it.each(ENDPOINTS)(
      '%s: a cached hit sends the same bytes and headers as the computed answer',
      async (name) => {
        const extra: Record<string, string> = {
          'error-detail': `&id=${seed.groups.g1}`,
          'link-detail': '&code=AbCd1234',
        };
        const query = `${name}.php?${WINDOW}${extra[name] ?? ''}`;
        await receiver.app.get(AnalyticsCache).invalidateProject(seed.project.id);
        const computed = await get(query);
        const cached = await get(query);
        expect(computed.status).toBe(200);
        expect(cached.text).toBe(computed.text);
        // What serialising the envelope object gave before answers were kept as text.
        expect(cached.text).toBe(JSON.stringify(computed.body));
        const comparable = (headers: Headers) =>
          [...headers].filter(([header]) => !['date', 'x-request-id'].includes(header));
        expect(comparable(cached.headers)).toEqual(comparable(computed.headers));
        expect(cached.headers.get('content-type')).toBe('application/json; charset=utf-8');
      },
    );

    it('keeps one entry per limit, so limit=1 never answers limit=2', async () => {
      expect((await get(`pages.php?${WINDOW}&limit=1`)).body.data.count).toBe(1);
      expect((await get(`pages.php?${WINDOW}&limit=2`)).body.data.count).toBe(2);
    });

    it('purges the project on toggle (and answers fresh data once re-enabled)', async () => {
      const toggle = () =>
        receiver.http.post('/api/projects/toggle.php', { id: seed.project.id }, admin);
      await toggle();
      expect((await get(`utm.php?${WINDOW}`)).status).toBe(401);
      await toggle();
      expect((await get(`utm.php?${WINDOW}`)).body.data.count).toBe(2);
    });

    it('drops link-detail answers when the link is edited', async () => {
      const detail = () => get(`link-detail.php?${WINDOW}&code=AbCd1234`);
      expect((await detail()).body.data.total_clicks).toBe(3);
      const link = await ds().query(`SELECT id FROM tracked_links WHERE code = 'AbCd1234'`);
      await ds()
        .getRepository(LinkClickEntity)
        .insert({
          link_id: Number(link[0].id),
          project_id: seed.project.id,
          ip_hash: 'h7',
          created_at: new Date('2026-01-11T00:00:00Z'),
        });
      // Written behind the ingest's back: rebuild its rollups, as the fixture does.
      await receiver.app.get(RollupRebuildService).rebuild();
      expect((await detail()).body.data.total_clicks).toBe(3);
      const edit = await receiver.http.post(
        '/api/links/edit.php',
        { code: 'AbCd1234', label: 'A2' },
        headers,
      );
      expect(edit.status).toBe(200);
      const fresh = (await detail()).body.data;
      expect(fresh.total_clicks).toBe(4);
      expect(fresh.link.label).toBe('A2');
    });

    it('drops errors and error-detail answers when an error status changes', async () => {
      const { g1 } = seed.groups;
      expect((await get(`errors.php?${WINDOW}`)).body.data.summary.open).toBe(1);
      await get(`error-detail.php?${WINDOW}&id=${g1}`);
      const res = await receiver.http.post(
        '/api/track/errors-update-status.php',
        { ids: [g1], status: 'ignored' },
        headers,
      );
      expect(res.status).toBe(200);
      expect((await get(`errors.php?${WINDOW}`)).body.data.summary).toMatchObject({
        open: 0,
        ignored: 1,
      });
      expect((await get(`error-detail.php?${WINDOW}&id=${g1}`)).body.data.group.status).toBe(
        'ignored',
      );
    });

    it('drops errors-trend answers when a new error event is stored', async () => {
      const before = (await get('errors-trend.php?range=1d')).body.data.total_occurrences;
      const res = await receiver.http.post(
        '/api/track/error.php',
        { message: 'fresh failure', error_type: 'Boom' },
        headers,
      );
      expect(res.status).toBe(202);
      expect((await get('errors-trend.php?range=1d')).body.data.total_occurrences).toBe(before + 1);
    });

    it('answers a link-detail hit without looking the link up, and 404 once it is deleted', async () => {
      const detail = (code: string) => get(`link-detail.php?${WINDOW}&code=${code}`);
      const computed = await detail('AbCd1234');
      expect(computed.status).toBe(200);
      const lookups = jest.spyOn(receiver.app.get(LinkReads), 'findLink');
      try {
        expect((await detail('AbCd1234')).text).toBe(computed.text);
        expect(lookups).not.toHaveBeenCalled();
        // Codes match case-insensitively: another spelling looks the link up, same answer.
        expect((await detail('abcd1234')).body).toEqual(computed.body);
        expect(lookups).toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
      const res = await receiver.http.post('/api/links/delete.php', { code: 'AbCd1234' }, headers);
      expect(res.status).toBe(200);
      for (const code of ['AbCd1234', 'abcd1234']) {
        expect((await detail(code)).body).toEqual({ success: false, message: 'Link not found' });
      }
    });

    it('keeps no link-detail answer for a link deleted while its answer was computed', async () => {
      const detail = () => get(`link-detail.php?${WINDOW}&code=ftpLink1`);
      const links = receiver.app.get(LinksService);
      const reads = receiver.app.get(LinkReads);
      const compute = reads.detail.bind(reads);
      const racing = jest.spyOn(reads, 'detail').mockImplementation(async (link, range) => {
        const answer = await compute(link, range);
        // The deletion commits and drops the link's answers before this one is stored.
        await links.delete(await links.get(seed.project.id, 'ftpLink1'));
        return answer;
      });
      try {
        expect((await detail()).status).toBe(200);
      } finally {
        racing.mockRestore();
      }
      expect((await detail()).body).toEqual({ success: false, message: 'Link not found' });
    });

    it('answers an error-detail hit without looking the group up', async () => {
      const { g2 } = seed.groups;
      const detail = () => get(`error-detail.php?${WINDOW}&id=${g2}`);
      const computed = await detail();
      expect(computed.status).toBe(200);
      const lookups = jest.spyOn(receiver.app.get(ErrorReads), 'findGroup');
      try {
        expect((await detail()).text).toBe(computed.text);
        expect(lookups).not.toHaveBeenCalled();
      } finally {
        lookups.mockRestore();
      }
    });

    it('purges the project on delete', async () => {
      const key = `analytics:utm:${seed.project.id}:2026-01-10 00:00:00:2026-01-12 23:59:59`;
      await get(`utm.php?${WINDOW}`);
      expect(await store().get(key)).toBeDefined();
      const res = await receiver.http.post(
        '/api/projects/delete.php',
        { id: seed.project.id, confirm: 'Site' },
        admin,
      );
      expect(res.status).toBe(200);
      expect(await store().get(key)).toBeUndefined();
    });
  });
});
