/**
 * Labels that differ only by case, accents or trailing spaces (pages, titles, referrers,
 * campaigns, devices, places, audit actions) are distinct values on every engine: the rollups
 * answer exactly as the raw queries, and both list each spelling apart with its own counts, the
 * same on SQLite, PostgreSQL and MariaDB. MariaDB runs on a database created with the server's
 * usual default collation (`utf8mb4_general_ci`, which compares those spellings equal), not the
 * binary one the other suites use.
 */
import { BreakdownQueries } from '../../receiver/analytics/queries/breakdown.queries';
import { TrafficQueries } from '../../receiver/analytics/queries/traffic.queries';
import { RollupQueries } from '../../receiver/analytics/queries/rollup.queries';
import { AuditQueries } from '../../receiver/analytics/queries/audit.queries';
import { parseAnalyticsRange } from '../../receiver/analytics/range/analytics-range.parser';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { IngestBatchProcessor, newEventId } from '../../receiver/ingest';
import type {
  AuditJob,
  PageviewJob,
} from '../../receiver/tracking/interfaces/tracking-jobs.interface';
import { createProject } from './analytics-fixtures';
import { NO_CAMPAIGN, pageviewJob } from '../tracking/tracking-fixtures';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';

const ZONE = 'Europe/Paris';
const DAY_MS = 86_400_000;

const PAGES = [
  ['https://site.test/café', 'Café'],
  ['https://site.test/cafe', 'Cafe'],
  ['https://site.test/CAFE', 'CAFE'],
  ['https://site.test/café', 'Café '],
  ['https://site.test/café', 'café'],
];
const REFERRERS = ['https://news.example/a', 'https://News.example/a', 'https://news.example/á'];
const CAMPAIGNS = [
  ['newsletter', 'email', 'spring'],
  ['Newsletter', 'email', 'spring'],
  ['newsletter', 'Email', 'spring '],
  ['newsletter', 'émail', 'Spring'],
];
const DEVICES = [
  { deviceType: 'desktop', os: 'Windows', browser: 'Chrome', browserVersion: '120' },
  { deviceType: 'desktop', os: 'windows', browser: 'chrome', browserVersion: '120' },
  { deviceType: 'desktop', os: 'Windows ', browser: 'Chrome', browserVersion: '120' },
] as const;
const PLACES = [
  { country: 'Deutschland', countryCode: 'DE', region: 'Baden-Württemberg', city: 'München' },
  { country: 'Deutschland', countryCode: 'DE', region: 'Baden-Wurttemberg', city: 'Munchen' },
  { country: 'Deutschland', countryCode: 'DE', region: 'baden-württemberg', city: 'MÜNCHEN' },
  { country: 'deutschland', countryCode: 'de', region: 'Baden-Württemberg', city: 'München ' },
];
const ACTIONS = ['Login', 'login', 'LOGIN ', 'lógin'];

/** Visitor `v` on day `d` of the window: every spelling seen by some visitors, on several days. */
function traffic(projectId: number, now: number): PageviewJob[] {
  const jobs: PageviewJob[] = [];
  for (let v = 0; v < 24; v++) {
    for (let d = 0; d < 3; d++) {
      const receivedAt = now - ((v + d * 5) % 9) * DAY_MS - v * 60_000;
      const [url, pageTitle] = PAGES[(v + d) % PAGES.length];
      const [source, medium, campaign] = CAMPAIGNS[(v * 3 + d) % CAMPAIGNS.length];
      jobs.push(
        pageviewJob(projectId, {
          receivedAt,
          url,
          pageTitle,
          referrer: REFERRERS[(v + 2 * d) % REFERRERS.length],
          referrerCategory: 'referral',
          visitorHash: `v${v}`.padEnd(64, '0'),
          sessionToken: `s${v}-${d}`,
          utm: { ...NO_CAMPAIGN, utm_source: source, utm_medium: medium, utm_campaign: campaign },
          device: { ...DEVICES[v % DEVICES.length] },
          geo: { ...PLACES[(v + d) % PLACES.length] },
        }),
      );
    }
  }
  return jobs.sort((a, b) => a.receivedAt - b.receivedAt);
}

/** Pageviews per distinct label tuple, as `"a|b": n`, computed from the jobs themselves. */
function countsOf(jobs: PageviewJob[], labels: (job: PageviewJob) => string[]) {
  const counts: Record<string, number> = {};
  for (const job of jobs) {
    const key = labels(job).join('|');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const answerCounts = (rows: Array<Record<string, unknown>>, columns: string[], count: string) =>
  Object.fromEntries(rows.map((r) => [columns.map((c) => String(r[c])).join('|'), r[count]]));

describeEachEngine('labels differing only by case, accents or trailing spaces', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { timezone: ZONE },
    mariadbCollation: 'utf8mb4_general_ci',
  });
  const now = Date.now();
  let projectId: number;
  let jobs: PageviewJob[];
  const ranges = () => [
    parseAnalyticsRange({ range: '30d' }, ZONE, now),
    parseAnalyticsRange({ range: '7d' }, ZONE, now),
  ];

  beforeAll(async () => {
    projectId = (await createProject(receiver, 'Labels')).id;
    jobs = traffic(projectId, now);
    const audits: AuditJob[] = ACTIONS.flatMap((action, i) =>
      Array.from({ length: i + 1 }, (_, n) => ({
        projectId,
        receivedAt: now - n * 60_000,
        action,
        actor: n % 2 ? 'Ann' : 'ann',
        ipHash: '',
        context: null,
      })),
    );
    const processor = receiver.app.get(IngestBatchProcessor);
    const events = [
      ...jobs.map((payload) => ({ id: newEventId(), kind: 'pageview', payload })),
      ...audits.map((payload) => ({ id: newEventId(), kind: 'audit', payload })),
    ];
    // One event per batch, in the order they arrived (the seed spans days).
    for (const event of events) {
      expect((await processor.process([event])).filter(Boolean)).toEqual([]);
    }
  });

  const compareAll = async () => {
    const raw = receiver.app.get(TrafficQueries);
    const breakdowns = receiver.app.get(BreakdownQueries);
    const fast = receiver.app.get(RollupQueries);
    for (const range of ranges()) {
      const context = `${range.fromDate}..${range.toDate}`;
      expect({ context, answer: await fast.visitors(projectId, range) }).toEqual({
        context,
        answer: await raw.visitors(projectId, range),
      });
      expect({ context, answer: await fast.pages(projectId, range, 100) }).toEqual({
        context,
        answer: await raw.pages(projectId, range, 100),
      });
      expect({ context, answer: await fast.pages(projectId, range, 2) }).toEqual({
        context,
        answer: await raw.pages(projectId, range, 2),
      });
      for (const name of ['devices', 'locations', 'referrers', 'utm'] as const) {
        expect({ context, name, answer: await fast[name](projectId, range) }).toEqual({
          context,
          name,
          answer: await breakdowns[name](projectId, range),
        });
      }
    }
  };

  it('answers from the rollups exactly as the raw queries', async () => {
    await compareAll();
  });

  it('lists every spelling apart with its own pageviews and visitors', async () => {
    const range = parseAnalyticsRange({ range: '30d' }, ZONE, now);
    const fast = receiver.app.get(RollupQueries);
    const { pages } = await fast.pages(projectId, range, 100);
    expect(answerCounts(pages, ['url', 'page_title'], 'pageviews')).toEqual(
      countsOf(jobs, (j) => [j.url, j.pageTitle]),
    );
    const visitors = new Map<string, Set<string>>();
    for (const j of jobs) {
      const key = `${j.url}|${j.pageTitle}`;
      visitors.set(key, (visitors.get(key) ?? new Set()).add(j.visitorHash));
    }
    expect(answerCounts(pages, ['url', 'page_title'], 'unique_visitors')).toEqual(
      Object.fromEntries([...visitors].map(([key, ids]) => [key, ids.size])),
    );
    const { top_referrers } = await fast.referrers(projectId, range);
    expect(answerCounts(top_referrers, ['referrer_url'], 'pageviews')).toEqual(
      countsOf(jobs, (j) => [j.referrer]),
    );
    const { campaigns } = await fast.utm(projectId, range);
    expect(
      answerCounts(campaigns, ['utm_source', 'utm_medium', 'utm_campaign'], 'pageviews'),
    ).toEqual(countsOf(jobs, (j) => [j.utm.utm_source, j.utm.utm_medium, j.utm.utm_campaign]));
    const { by_os, by_browser } = await fast.devices(projectId, range);
    expect(answerCounts(by_os, ['os'], 'pageviews')).toEqual(countsOf(jobs, (j) => [j.device.os]));
    expect(answerCounts(by_browser, ['browser'], 'pageviews')).toEqual(
      countsOf(jobs, (j) => [j.device.browser]),
    );
    const { by_country, by_city } = await fast.locations(projectId, range);
    expect(answerCounts(by_country, ['country', 'country_code'], 'pageviews')).toEqual(
      countsOf(jobs, (j) => [j.geo.country, j.geo.countryCode]),
    );
    expect(answerCounts(by_city, ['city', 'region', 'country_code'], 'pageviews')).toEqual(
      countsOf(jobs, (j) => [j.geo.city, j.geo.region, j.geo.countryCode]),
    );
  });

  it('counts and filters audit actions and actors by their exact text', async () => {
    const range = parseAnalyticsRange({ range: '7d' }, ZONE, now);
    const audits = receiver.app.get(AuditQueries);
    const all = await audits.audits(projectId, range, '', '', 100);
    expect(answerCounts(all.top_actions, ['action'], 'count')).toEqual(
      Object.fromEntries(ACTIONS.map((action, i) => [action, i + 1])),
    );
    const login = await audits.audits(projectId, range, 'login', 'ann', 100);
    expect(login.logs.map((l) => [l.action, l.actor])).toEqual([['login', 'ann']]);
  });

  it('rebuilds the same answers from the raw rows', async () => {
    await receiver.app.get(RollupRebuildService).rebuild();
    await compareAll();
  });
});
