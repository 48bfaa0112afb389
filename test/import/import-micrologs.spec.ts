import { runCliProcess } from '../support/cli-process';
import {
  createReceiverApp,
  type AdapterName,
  type ReceiverApp,
  type TestResponse,
} from '../support/receiver-app';
import {
  availableEngines,
  createIsolatedDatabase,
  type EngineName,
  type IsolatedDatabase,
  mariadbUrl,
} from '../support/services';
import { testHeaders } from '../tracking/tracking-fixtures';
import { expectedAnalytics } from './micrologs-expected';
import { generateMicrologsData, RANGE, type Row, validRows } from './micrologs-fixture';
import { createMicrologsSource, type MicrologsSourceDb } from './micrologs-source-db';

jest.setTimeout(180_000);

const ZONE = 'Europe/Paris';
const QUERY = `range=custom&from=${RANGE.from}&to=${RANGE.to}`;
const data = generateMicrologsData();
const valid = validRows(data);
const project = (id: number) => data.tables.projects.find((p) => p.id === id) as Row;

const databaseArg = (db: IsolatedDatabase): string =>
  db.options.type === 'better-sqlite3' ? `sqlite:${db.options.database}` : db.options.url;
// Both adapters serve the analytics somewhere in the matrix.
const adapterOf = (engine: EngineName): AdapterName =>
  engine === 'postgres' ? 'fastify' : 'express';

/** `[key, …fields]` of a list the receiver answers, sorted by key like the expected lists. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are JSON
type Json = any;

function keyed(list: Json[], key: (row: Json) => string, fields: string[]) {
  return list
    .map((row) => ({ key: key(row), ...Object.fromEntries(fields.map((f) => [f, row[f]])) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Every analytics answer of one project, in the shapes of {@link expectedAnalytics}. */
async function analyticsOf(receiver: ReceiverApp, secretKey: string) {
  const get = async (endpoint: string, extra = ''): Promise<Json> => {
    const res: TestResponse = await receiver.http.get(
      `/api/analytics/${endpoint}.php?${QUERY}${extra}`,
      { 'X-API-Key': secretKey, 'X-Test-Mode': 'phpunit' },
    );
    expect({ endpoint, status: res.status }).toEqual({ endpoint, status: 200 });
    return res.body.data;
  };
  const visitors = await get('visitors');
  const returning = await get('visitors-returning');
  const sessions = await get('sessions');
  const pages = await get('pages', '&limit=100');
  const devices = await get('devices');
  const locations = await get('locations');
  const referrers = await get('referrers');
  const utm = await get('utm');
  const errors = await get('errors', '&limit=100');
  const trend = await get('errors-trend');
  const audits = await get('audits');
  const links = await get('links');
  return {
    visitors: {
      unique_visitors: visitors.unique_visitors,
      total_pageviews: visitors.total_pageviews,
      total_sessions: visitors.total_sessions,
      bounce_rate: visitors.bounce_rate,
      over_time: visitors.over_time,
    },
    returning: {
      total_visitors: returning.total_visitors,
      new_visitors: returning.new_visitors,
      returning_visitors: returning.returning_visitors,
    },
    sessions: {
      total_sessions: sessions.total_sessions,
      bounce_rate: sessions.bounce_rate,
      avg_duration_seconds: sessions.avg_duration_seconds,
    },
    pages: keyed(pages.pages, (p) => `${p.url}\u0001${p.page_title}`, [
      'pageviews',
      'unique_visitors',
    ]),
    byDevice: keyed(devices.by_device, (d) => d.device_type, ['pageviews', 'unique_visitors']),
    byBrowser: keyed(devices.by_browser, (d) => d.browser, ['pageviews']),
    byCountry: keyed(locations.by_country, (c) => c.country_code, ['pageviews', 'unique_visitors']),
    byCategory: keyed(referrers.by_category, (c) => c.category, ['pageviews', 'unique_visitors']),
    campaigns: keyed(
      utm.campaigns,
      (c) => `${c.utm_source}\u0001${c.utm_medium}\u0001${c.utm_campaign}`,
      ['pageviews', 'unique_visitors'],
    ),
    errors: {
      total: errors.summary.total,
      occurrences: keyed(errors.errors, (e) => e.message, ['occurrence_count', 'status']),
      total_occurrences: trend.total_occurrences,
    },
    topActions: keyed(audits.top_actions, (a) => a.action, ['count']),
    links: keyed(links.links, (l) => l.code, ['total_clicks', 'unique_clicks']),
  };
}

const describeWithMariaDb = mariadbUrl() ? describe : describe.skip;

describeWithMariaDb('receiver import-micrologs (a Micrologs v2 database in MariaDB)', () => {
  let source: MicrologsSourceDb;

  beforeAll(async () => {
    source = await createMicrologsSource(mariadbUrl() as string, data.tables);
  });
  afterAll(async () => {
    await source?.drop();
  });

  describe.each(availableEngines())('into %s', (engine) => {
    let target: IsolatedDatabase;
    const importInto = () =>
      runCliProcess(
        ['receiver', 'import-micrologs', '--from', source.url, '--database', databaseArg(target)],
        { RECEIVER_TIMEZONE: ZONE, RECEIVER_DATABASE_URL: undefined },
      );
    /** A receiver on the target (a new one each time: its analytics cache starts empty). */
    async function withReceiver<T>(work: (receiver: ReceiverApp) => Promise<T>): Promise<T> {
      const receiver = await createReceiverApp({
        adapter: adapterOf(engine),
        database: target.options,
        options: { timezone: ZONE },
      });
      try {
        return await work(receiver);
      } finally {
        await receiver.close();
      }
    }
    async function expectHandComputedAnalytics(): Promise<void> {
      await withReceiver(async (receiver) => {
        for (const id of [1, 2]) {
          const answered = await analyticsOf(receiver, project(id).secret_key as string);
          expect({ project: id, ...answered }).toEqual({
            project: id,
            ...expectedAnalytics(valid, id),
          });
        }
      });
    }

    beforeAll(async () => {
      target = await createIsolatedDatabase(engine);
    });
    afterAll(async () => {
      await target?.drop();
    });

    it('copies every table, skipping and counting the rows the receiver refuses', async () => {
      const run = await importInto();
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      for (const [table, rows] of Object.entries(data.tables)) {
        const kept = valid[table].length;
        expect(run.stdout).toMatch(
          new RegExp(`^  ${table} +${rows.length} read +${kept} imported +0 already there`, 'm'),
        );
      }
      expect(run.stdout).toMatch(/^ {2}pageviews .* skipped: 1 orphan$/m);
      expect(run.stdout).toMatch(/^ {2}audit_logs .* skipped: 1 invalid$/m);
      expect(run.stdout).toMatch(/Imported \d+ of \d+ row\(s\) in [\d.]+ s \(\d+ rows\/s\)/);
      // The progress goes to stderr, the summary to stdout.
      expect(run.stderr).toMatch(/\d+\/\d+ rows +100% +\d+ rows\/s/);
    });

    it('answers the analytics computed by hand from the Micrologs rows', async () => {
      await expectHandComputedAnalytics();
    });

    it('imports nothing twice when run again', async () => {
      const run = await importInto();
      expect(run.code).toBe(0);
      for (const [table, rows] of Object.entries(valid)) {
        expect(run.stdout).toMatch(
          new RegExp(`^  ${table} +\\d+ read +0 imported +${rows.length} already there`, 'm'),
        );
      }
    });

    it('resumes an interrupted import: the missing rows come back, the rollups follow', async () => {
      // What a kill leaves behind: the later pages of the event tables are not there yet, and
      // the rollups (rebuilt last) still count the rows of before.
      const { DataSource } = await import('typeorm');
      const db = new DataSource({ ...target.options } as never);
      await db.initialize();
      const [{ middle }] = await db.query('SELECT MAX(id) / 2 AS middle FROM pageviews');
      await db.query(`DELETE FROM pageviews WHERE id > ${Math.floor(Number(middle))}`);
      const missing = Number((await db.query('SELECT COUNT(*) AS n FROM link_clicks'))[0].n);
      await db.query('DELETE FROM link_clicks');
      await db.destroy();
      const run = await importInto();
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^  link_clicks +\\d+ read +${missing} imported +0 already there`, 'm'),
      );
      expect(run.stdout).toMatch(/^ {2}pageviews +\d+ read +[1-9]\d* imported/m);
      await expectHandComputedAnalytics();
    });

    it('keeps the keys: deployed snippets and SDKs go on working, a disabled project stays so', async () => {
      await withReceiver(async (receiver) => {
        const shop = project(1);
        const pageview = await receiver.http.post(
          '/api/track/pageview.php',
          {
            url: 'https://shop.example.com/after-the-switch',
            visitor_id: 'v-after',
            session_token: 's-after',
          },
          testHeaders(shop.public_key as string, { Origin: 'https://shop.example.com' }),
        );
        expect(pageview.status).toBe(202);
        const verify = await receiver.http.post('/api/projects/verify.php', {
          key: shop.secret_key,
        });
        expect(verify.body.data).toMatchObject({
          valid: true,
          key_type: 'secret',
          project_name: 'Shop',
        });
        const disabled = await receiver.http.get(`/api/analytics/visitors.php?${QUERY}`, {
          'X-API-Key': project(3).secret_key as string,
          'X-Test-Mode': 'phpunit',
        });
        expect(disabled.status).toBe(401);
      });
    });
  });
});
