import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { limitPrecision } from '../../receiver/enrichment/request.enricher';
import { keepUtmParameters } from '../../receiver/enrichment/query-string.minimiser';
import {
  AuditLogEntity,
  ErrorEventEntity,
  LinkClickEntity,
  LocationEntity,
  PageviewEntity,
} from '../../receiver/storage/entities';
import { cityRecord, writeMmdb } from '../support/mmdb-writer';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import { browserHeaders, createProject, dataSourceOf, pageviewBody } from './tracking-fixtures';

const LONDON = {
  country: 'United Kingdom',
  countryCode: 'GB',
  region: 'England',
  city: 'London',
};

describe('minimisation settings', () => {
  it('read the environment strictly, with the documented defaults', () => {
    const base = { RECEIVER_ADMIN_KEY: 'a', RECEIVER_IP_HASH_SALT: 'b' };
    expect(resolveReceiverOptions({}, base)).toMatchObject({
      respectPrivacySignals: false,
      storeIpHash: true,
      geoipPrecision: 'city',
      stripQueryStrings: false,
    });
    expect(
      resolveReceiverOptions(
        {},
        {
          ...base,
          RECEIVER_RESPECT_PRIVACY_SIGNALS: 'true',
          RECEIVER_STORE_IP_HASH: 'false',
          RECEIVER_GEOIP_PRECISION: 'region',
          RECEIVER_STRIP_QUERY_STRINGS: '1',
        },
      ),
    ).toMatchObject({
      respectPrivacySignals: true,
      storeIpHash: false,
      geoipPrecision: 'region',
      stripQueryStrings: true,
    });
    expect(() => resolveReceiverOptions({}, { ...base, RECEIVER_GEOIP_PRECISION: 'town' })).toThrow(
      /RECEIVER_GEOIP_PRECISION/,
    );
  });

  it('cut a location to the configured precision', () => {
    expect(limitPrecision(LONDON, 'city')).toEqual(LONDON);
    expect(limitPrecision(LONDON, 'region')).toEqual({ ...LONDON, city: '' });
    expect(limitPrecision(LONDON, 'country')).toEqual({ ...LONDON, region: '', city: '' });
    expect(limitPrecision(LONDON, 'none')).toEqual({
      country: '',
      countryCode: '',
      region: '',
      city: '',
    });
  });

  it('keep only the utm_* parameters of a query string, and the fragment', () => {
    expect(
      keepUtmParameters('https://a.example/s?q=alice%40mail.example&utm_source=news&page=2#top'),
    ).toBe('https://a.example/s?utm_source=news#top');
    expect(keepUtmParameters('https://a.example/reset?token=abc#x')).toBe(
      'https://a.example/reset#x',
    );
    expect(keepUtmParameters('https://a.example/plain')).toBe('https://a.example/plain');
    expect(keepUtmParameters('/relative?utm_medium=mail&x=1')).toBe('/relative?utm_medium=mail');
  });
});

describeEachEngine('minimisation settings, stored', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'minimise-geo-'));
  const geoFile = join(dir, 'GeoLite2-City.mmdb');
  writeMmdb(geoFile, [cityRecord('81.2.69.0/24', LONDON)]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: {
      geoipDatabase: geoFile,
      trustedProxies: ['127.0.0.1'],
      storeIpHash: false,
      geoipPrecision: 'country',
      stripQueryStrings: true,
      respectPrivacySignals: true,
    },
  });
  const db = () => dataSourceOf(receiver.app);
  const london = (key: string, extra: Record<string, string> = {}) =>
    browserHeaders(key, { 'X-Forwarded-For': '81.2.69.142', ...extra });

  it('store pageview URLs and referrers without their query strings, except UTM parameters', async () => {
    const p = await createProject(receiver.app);
    const res = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({
        url: 'https://shop.example.com/search?q=alice%40mail.example&utm_source=news&utm_campaign=june#results',
        referrer: 'https://mail.example/inbox?session=secret',
      }),
      london(p.publicKey),
    );
    expect(res.status).toBe(202);
    const [view] = await db().getRepository(PageviewEntity).findBy({ project_id: p.id });
    expect(view).toMatchObject({
      url: 'https://shop.example.com/search?utm_source=news&utm_campaign=june#results',
      referrer_url: 'https://mail.example/inbox',
      utm_source: 'news',
      utm_campaign: 'june',
    });
  });

  it('store the country and nothing finer; errors lose their URL query too', async () => {
    const p = await createProject(receiver.app);
    await receiver.http.post(
      '/api/track/error.php',
      { message: 'boom', url: 'https://shop.example.com/reset?token=abc' },
      london(p.publicKey),
    );
    const [event] = await db().getRepository(ErrorEventEntity).findBy({ project_id: p.id });
    expect(event.url).toBe('https://shop.example.com/reset');
    const location = await db()
      .getRepository(LocationEntity)
      .findOneByOrFail({ id: event.location_id! });
    expect(location).toMatchObject({
      country_code: 'GB',
      country: 'United Kingdom',
      region: '',
      city: '',
    });
  });

  it('store no IP hash for audit events and link clicks', async () => {
    const p = await createProject(receiver.app);
    const audit = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'user.login', actor: 'alice' },
      { 'X-API-Key': p.secretKey, 'X-Forwarded-For': '81.2.69.142' },
    );
    expect(audit.status).toBe(202);
    const [row] = await db().getRepository(AuditLogEntity).findBy({ project_id: p.id });
    expect(row.ip_hash).toBe('');
    const link = await receiver.http.post(
      '/api/links/create.php',
      { destination_url: 'https://shop.example.com/sale' },
      { 'X-API-Key': p.secretKey },
    );
    const redirect = await receiver.http.get(`/api/redirect.php?c=${link.body.data.code}`, {
      'X-Forwarded-For': '81.2.69.142',
    });
    expect(redirect.status).toBe(302);
    const clicks = await (async () => {
      for (let i = 0; i < 100; i++) {
        const rows = await db().getRepository(LinkClickEntity).findBy({ project_id: p.id });
        if (rows.length > 0) return rows;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return [];
    })();
    expect(clicks).toHaveLength(1);
    expect(clicks[0].ip_hash).toBe('');
  });

  it.each([
    ['Sec-GPC: 1', { 'Sec-GPC': '1' }],
    ['DNT: 1', { DNT: '1' }],
  ])(
    'answer a pageview with %s like any accepted one but store nothing; errors are still kept',
    async (_name, signal) => {
      const p = await createProject(receiver.app);
      const res = await receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody(),
        london(p.publicKey, signal),
      );
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });
      await receiver.http.post(
        '/api/track/error.php',
        { message: 'still wanted' },
        london(p.publicKey, signal),
      );
      expect(await db().getRepository(ErrorEventEntity).countBy({ project_id: p.id })).toBe(1);
      expect(await db().getRepository(PageviewEntity).countBy({ project_id: p.id })).toBe(0);
      // The same browser without the signal is counted.
      await receiver.http.post('/api/track/pageview.php', pageviewBody(), london(p.publicKey));
      expect(await db().getRepository(PageviewEntity).countBy({ project_id: p.id })).toBe(1);
    },
  );
});
