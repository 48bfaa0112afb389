/**
 * Property test of the analytics rollups: random traffic (visitors, sessions, pages, referrers,
 * campaigns, devices, places; days on both sides of local midnight and of a DST change) goes
 * through the real pageview ingest in batches, then every traffic endpoint and retention (daily
 * and weekly cohorts) is asked through the rollups and through the raw queries, for many windows,
 * and the answers must be identical — unique visitors, sessions, bounces and durations included
 * (breakdowns read whole weeks from the week rows). Then the same after an erasure, a rebuild,
 * a retention purge, and project deletion. Seed: ROLLUP_PROPERTY_SEED (printed on failure).
 */
import type { DataSource } from 'typeorm';
import { BreakdownQueries } from '../../receiver/analytics/queries/breakdown.queries';
import { TrafficQueries } from '../../receiver/analytics/queries/traffic.queries';
import { RetentionQueries } from '../../receiver/analytics/queries/retention.queries';
import type { AnalyticsRange } from '../../receiver/analytics/range/analytics-range.interface';
import { parseAnalyticsRange } from '../../receiver/analytics/range/analytics-range.parser';
import { addDays, localDateOf, startOfLocalDay } from '../../receiver/common/time/zoned-time.util';
import { PageviewFactsReader } from '../../receiver/rollups/pageview-facts.reader';
import { RollupBatch } from '../../receiver/rollups/rollup-batch';
import { segmentLimits } from '../../receiver/rollups/member-segments';
import { SqlRunner } from '../../receiver/storage/sql/sql-runner';
import { RollupMaintenance } from '../../receiver/rollups/rollup-maintenance.service';
import { RollupQueries } from '../../receiver/analytics/queries/rollup.queries';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { TrafficReads } from '../../receiver/analytics/traffic-reads.service';
import { IngestBatchProcessor, newEventId } from '../../receiver/ingest';
import { PurgeService } from '../../receiver/lifecycle/purge.service';
import { ProjectEntity } from '../../receiver/storage/entities';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import type { PageviewJob } from '../../receiver/tracking/interfaces/tracking-jobs.interface';
import { createProject } from './analytics-fixtures';
import { NO_CAMPAIGN, pageviewJob } from '../tracking/tracking-fixtures';
import { storedRollups } from './stored-rollups';
import { adminHeaders, useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import { seededRandom as random } from '../support/seeded-random';

const ZONE = 'Europe/Paris';
const DAY_MS = 86_400_000;
const SEED = Number(process.env.ROLLUP_PROPERTY_SEED ?? 20261130);
const SEGMENT_IDS = segmentLimits.ids;

// Labels distinct under every engine's collation (MariaDB's default one ignores case and accents).
const PAGES = [
  ['https://site.test/', 'Home'],
  ['https://site.test/pricing', 'Pricing'],
  ['https://site.test/pricing', 'Prices — old title'],
  ['https://site.test/blog/café?x=1#top', 'Le café'],
  ['https://site.test/docs/a', 'Docs 📈'],
  ['https://site.test/docs/b', ''],
];
const REFERRERS: Array<[string, PageviewJob['referrerCategory']]> = [
  ['', 'direct'],
  ['https://www.google.com/search?q=x', 'organic_search'],
  ['https://t.co/abc', 'social'],
  ['https://news.example/post', 'referral'],
];
const CAMPAIGNS = [
  ['', '', ''],
  ['newsletter', 'email', 'spring'],
  ['newsletter', 'email', 'summer'],
  ['ads', 'cpc', 'spring'],
];
const DEVICES = [
  { deviceType: 'desktop', os: 'Windows', browser: 'Chrome', browserVersion: '120' },
  { deviceType: 'desktop', os: 'macOS', browser: 'Safari', browserVersion: '17' },
  { deviceType: 'mobile', os: 'iOS', browser: 'Safari', browserVersion: '17' },
  { deviceType: 'tablet', os: 'Android', browser: 'Chrome', browserVersion: '119' },
] as const;
const PLACES = [
  { country: '', countryCode: '', region: '', city: '' },
  { country: 'France', countryCode: 'FR', region: 'Île-de-France', city: 'Paris' },
  { country: 'France', countryCode: 'FR', region: 'Bretagne', city: '' },
  { country: 'Germany', countryCode: 'DE', region: '', city: '' },
  { country: 'India', countryCode: 'IN', region: 'Kerala', city: 'Kochi' },
];

/** Random pageview jobs over the last `days` local days, in arrival order. */
function traffic(rnd: () => number, projects: number[], now: number, days: number): PageviewJob[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  const jobs: PageviewJob[] = [];
  for (let v = 0; v < 40; v++) {
    const projectId = pick(projects);
    const sessions = 1 + Math.floor(rnd() * 4);
    const device = pick(DEVICES);
    const geo = pick(PLACES);
    for (let s = 0; s < sessions; s++) {
      const dayStart = now - Math.floor(rnd() * days) * DAY_MS;
      // A third of the sessions straddle local midnight (Paris is UTC+1/+2).
      const start =
        rnd() < 0.33
          ? Date.parse(`${localDateOf(dayStart, ZONE)}T21:59:00Z`) + Math.floor(rnd() * 180_000)
          : dayStart - Math.floor(rnd() * 20 * 3_600_000);
      const views = 1 + Math.floor(rnd() * 5);
      for (let i = 0; i < views; i++) {
        const [url, title] = pick(PAGES);
        const [referrer, category] = pick(REFERRERS);
        const [source, medium, campaign] = pick(CAMPAIGNS);
        jobs.push(
          pageviewJob(projectId, {
            receivedAt: Math.min(now, start + i * Math.floor(rnd() * 400_000)),
            url,
            pageTitle: title,
            referrer,
            referrerCategory: category,
            visitorHash: `v${v}`.padEnd(64, '0'),
            sessionToken: `s${v}-${s}`,
            utm: { ...NO_CAMPAIGN, utm_source: source, utm_medium: medium, utm_campaign: campaign },
            device: { ...device },
            geo: { ...geo },
          }),
        );
      }
    }
  }
  return jobs.sort((a, b) => a.receivedAt - b.receivedAt);
}

describeEachEngine('analytics rollups answer exactly as the raw queries', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine, options: { timezone: ZONE } });
  const now = Date.now();
  const rnd = random(SEED + engine.length);
  let projects: number[];
  let ds: DataSource;

  const windows = (): AnalyticsRange[] => {
    const today = localDateOf(now, ZONE);
    const custom = (from: string, to: string) =>
      parseAnalyticsRange({ range: 'custom', from, to }, ZONE, now);
    const list = [
      parseAnalyticsRange({ range: '7d' }, ZONE, now),
      parseAnalyticsRange({ range: '30d' }, ZONE, now),
      custom(addDays(today, -20), addDays(today, 5)),
    ];
    for (let i = 0; i < 8; i++) {
      const a = Math.floor(rnd() * 18);
      const b = Math.floor(rnd() * 18);
      list.push(custom(addDays(today, -Math.max(a, b)), addDays(today, -Math.min(a, b))));
    }
    return list;
  };

  /** Every traffic answer through both paths; returns how many were compared. */
  const compareAll = async (label: string): Promise<number> => {
    const raw = receiver.app.get(TrafficQueries);
    const breakdowns = receiver.app.get(BreakdownQueries);
    const fast = receiver.app.get(RollupQueries);
    const retention = receiver.app.get(RetentionQueries);
    let compared = 0;
    for (const range of windows()) {
      for (const projectId of projects) {
        const limit = 1 + Math.floor(rnd() * 6);
        const periods = 1 + Math.floor(rnd() * 12);
        const pairs: Array<[string, Promise<unknown>, Promise<unknown>]> = [
          ['visitors', fast.visitors(projectId, range), raw.visitors(projectId, range)],
          ['returning', fast.returning(projectId, range), raw.returning(projectId, range)],
          ['sessions', fast.sessions(projectId, range), raw.sessions(projectId, range)],
          ['bounce-days', fast.bounceDays(projectId, range), raw.bounceDays(projectId, range)],
          ['pages', fast.pages(projectId, range, limit), raw.pages(projectId, range, limit)],
          ['pages100', fast.pages(projectId, range, 100), raw.pages(projectId, range, 100)],
          ['devices', fast.devices(projectId, range), breakdowns.devices(projectId, range)],
          ['locations', fast.locations(projectId, range), breakdowns.locations(projectId, range)],
          ['referrers', fast.referrers(projectId, range), breakdowns.referrers(projectId, range)],
          ['utm', fast.utm(projectId, range), breakdowns.utm(projectId, range)],
          [
            'retention-week',
            fast.retention(projectId, range, 'week', periods),
            retention.retention(projectId, range, 'week', periods),
          ],
          [
            'retention-day',
            fast.retention(projectId, range, 'day', periods),
            retention.retention(projectId, range, 'day', periods),
          ],
        ];
        for (const [name, fromRollups, fromRaw] of pairs) {
          const context = `${label} ${name} ${range.fromDate}..${range.toDate} project ${projectId} seed ${SEED}`;
          expect({ context, answer: await fromRollups }).toEqual({
            context,
            answer: await fromRaw,
          });
          compared++;
        }
      }
    }
    return compared;
  };

  const rollupRows = async (projectId: number): Promise<number> => {
    const [row] = await ds.query(
      `SELECT COUNT(*) AS n FROM analytics_rollups WHERE project_id = ${projectId}`,
    );
    return Number(row.n);
  };

  afterAll(() => {
    segmentLimits.ids = SEGMENT_IDS;
  });

  beforeAll(async () => {
    ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    projects = [
      (await createProject(receiver, 'Shop')).id,
      (await createProject(receiver, 'Blog')).id,
    ];
    const jobs = traffic(rnd, projects, now, 16).map((payload) => ({
      id: newEventId(),
      kind: 'pageview',
      payload,
    }));
    const processor = receiver.app.get(IngestBatchProcessor);
    for (let i = 0; i < jobs.length;) {
      // Half the traffic is stored with lists kept whole (as before segments existed, and as a
      // site with few visitors), the rest with segments of 3 ids: every list past 3 ids is cut,
      // the whole ones on their next merge, and the reads join them.
      if (i >= jobs.length / 2) segmentLimits.ids = 3;
      const size = 1 + Math.floor(rnd() * 40);
      const results = await processor.process(jobs.slice(i, i + size));
      expect(results.filter(Boolean)).toEqual([]);
      i += size;
    }
    // A queue's at-least-once redelivery of events already stored: counted once.
    const again = jobs.filter(() => rnd() < 0.1);
    expect(again.length).toBeGreaterThan(5);
    const results = await processor.process(again.map((job) => ({ ...job, redelivered: true })));
    expect(results.filter(Boolean)).toEqual([]);
  });

  it('serves the traffic endpoints from the rollups the ingest maintained, identical to the raw queries', async () => {
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM pageviews');
    expect(Number(n)).toBeGreaterThan(150);
    expect(await rollupRows(projects[0])).toBeGreaterThan(0);
    // The breakdowns read the whole weeks of their windows from week rows the ingest kept.
    const [{ weeks }] = await ds.query(
      `SELECT COUNT(*) AS weeks FROM analytics_rollups WHERE project_id = ${projects[0]} ` +
        `AND dimension LIKE '%/wk'`,
    );
    expect(Number(weeks)).toBeGreaterThan(0);
    // The HTTP path takes the rollups (they are complete in the receiver's zone).
    const reads = receiver.app.get(TrafficReads);
    const range = parseAnalyticsRange({ range: '30d' }, ZONE, now);
    expect(await reads.pages(projects[0], range, 5)).toEqual(
      await receiver.app.get(RollupQueries).pages(projects[0], range, 5),
    );
    // Many lists are in segments (the second half of the traffic), some cut from whole ones.
    const [segments] = await ds.query('SELECT COUNT(*) AS n FROM analytics_rollup_segments');
    expect(Number(segments.n)).toBeGreaterThan(50);
    expect(await compareAll('ingest')).toBeGreaterThan(100);
  });

  it('stays exact when batches sharing visitors and sessions are written at the same time', async () => {
    // The same visitors and session tokens as before: stored sessions are extended and new ones
    // appear in several batches at once (two workers taking neighbouring events).
    const jobs = traffic(rnd, projects, now, 16).map((payload) => ({
      id: newEventId(),
      kind: 'pageview',
      payload,
    }));
    const batches: (typeof jobs)[] = [[], [], [], []];
    jobs.forEach((job, i) => batches[i % batches.length].push(job));
    const processor = receiver.app.get(IngestBatchProcessor);
    const results = await Promise.all(batches.map((batch) => processor.process(batch)));
    expect(results.flat().filter(Boolean)).toEqual([]);
    const [{ n }] = await ds.query(
      `SELECT COUNT(*) AS n FROM pageviews WHERE event_id IN (${jobs.map((j) => `'${j.id}'`).join(', ')})`,
    );
    expect(Number(n)).toBeGreaterThan(30);
    await compareAll('concurrent');
  });

  it('stays exact after a visitor is erased (rollups first, then the raw rows)', async () => {
    const [visitor] = await ds.query(
      `SELECT visitor_id, COUNT(*) AS n FROM pageviews WHERE project_id = ${projects[0]} ` +
        'GROUP BY visitor_id ORDER BY n DESC, visitor_id LIMIT 1',
    );
    const id = Number(visitor.visitor_id);
    await ds.transaction(async (manager) => {
      await receiver.app.get(RollupMaintenance).forgetVisitor(manager, projects[0], id);
      await manager.query(`DELETE FROM pageviews WHERE visitor_id = ${id}`);
      await manager.query(`DELETE FROM sessions WHERE visitor_id = ${id}`);
      await manager.query(`DELETE FROM visitors WHERE id = ${id}`);
    });
    await compareAll('erasure');
  });

  // Every stored column, member lists byte for byte: the rebuild's set-wise day scan must
  // write exactly what the ingest's per-batch merges wrote.
  const stored = () => storedRollups(ds);

  it('rebuilds the same rollups from the raw rows (rebuild-rollups)', async () => {
    const before = await stored();
    expect(before.filter((row) => row.members).length).toBeGreaterThan(50);
    const report = await receiver.app.get(RollupRebuildService).rebuild();
    expect(report.days).toBeGreaterThanOrEqual(16);
    expect(await stored()).toEqual(before);
    await compareAll('rebuild');
  });

  it('resumes an interrupted rebuild after its last finished day, with the same rows', async () => {
    const before = await stored();
    const rebuilder = receiver.app.get(RollupRebuildService);
    const fresh = await rebuilder.plan();
    let finished = 0;
    await expect(
      rebuilder.rebuild(() => {
        // Thrown once the 5th day's transaction committed: as if the process died there.
        if (++finished === 5) throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    const resumed = await rebuilder.rebuild();
    expect(resumed.resumed).toBe(true);
    // It continued after the days already written instead of starting over.
    expect(resumed.from! > fresh.from!).toBe(true);
    expect(resumed.days).toBeGreaterThan(0);
    const full = await rebuilder.plan();
    expect(full.resume).toBe(false);
    expect(await stored()).toEqual(before);
  });

  it('reads a day in time slices without losing or repeating a pageview at their edges', async () => {
    const sql = new SqlRunner(ds);
    const today = localDateOf(now, ZONE);
    let pageviews = 0;
    for (const projectId of projects)
      for (let back = 0; back <= 20; back++) {
        const day = addDays(today, -back);
        const start = startOfLocalDay(day, ZONE);
        const end = startOfLocalDay(addDays(day, 1), ZONE);
        const whole = new RollupBatch(ZONE);
        const sliced = new RollupBatch(ZONE);
        const read = await new PageviewFactsReader().scanDay(sql, projectId, start, end, (f) =>
          whole.add(f),
        );
        // Slices of about 3 rows: most edges fall between two pageviews of one day.
        const slicedRead = await new PageviewFactsReader(3).scanDay(
          sql,
          projectId,
          start,
          end,
          (f) => sliced.add(f),
        );
        expect(slicedRead).toBe(read);
        expect(sliced.sorted()).toEqual(whole.sorted());
        pageviews += read;
      }
    const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM pageviews');
    expect(pageviews).toBe(Number(n));
  });

  it('stays exact after the retention purge cut a day in two', async () => {
    await ds.getRepository(ProjectEntity).update(projects[0], { retention_pageviews_days: 6 });
    await receiver.app.get(PurgeService).run({ now });
    await compareAll('purge');
  });

  it('drops a deleted project rollups with it', async () => {
    expect(await rollupRows(projects[1])).toBeGreaterThan(0);
    const res = await receiver.http.post(
      '/api/projects/delete.php',
      { id: projects[1], confirm: 'Blog' },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(res.status).toBe(200);
    expect(await rollupRows(projects[1])).toBe(0);
  });
});
