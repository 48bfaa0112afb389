/**
 * Property test of the error, link and audit rollups: random error events (groups, coalesced
 * bursts, severities), link clicks (links, addresses, referrer categories, devices, places) and
 * audit entries (actions of skewed frequency, more than `top_actions` lists, ties; actors), on
 * days on both sides of local midnight, go through the real ingest in mixed batches, then
 * errors-trend (all groups and each group), error-detail's days, links, every link's detail and
 * the audits' `top_actions` are asked through the rollups and through the raw queries, for many
 * windows, and the answers must be identical — unique clicks included. Then the same after status
 * changes, an erasure (of a visitor and of an actor), a link deletion, a rebuild (with and without
 * the links' clicker ids) and a retention purge; the clicker ids follow the erasure, the link
 * deletion and the purge. Seed: ROLLUP_PROPERTY_SEED (printed on failure).
 */
import type { DataSource } from 'typeorm';
import { ErrorQueries } from '../../receiver/analytics/queries/error.queries';
import { ErrorRollupQueries } from '../../receiver/analytics/queries/error-rollup.queries';
import { AuditQueries } from '../../receiver/analytics/queries/audit.queries';
import { AuditRollupQueries } from '../../receiver/analytics/queries/audit-rollup.queries';
import { LinkQueries } from '../../receiver/analytics/queries/link.queries';
import { LinkRollupQueries } from '../../receiver/analytics/queries/link-rollup.queries';
import type { AnalyticsRange } from '../../receiver/analytics/range/analytics-range.interface';
import { parseAnalyticsRange } from '../../receiver/analytics/range/analytics-range.parser';
import { hashIp } from '../../receiver/common/request/client-ip';
import { addDays, localDateOf } from '../../receiver/common/time/zoned-time.util';
import { RECEIVER_OPTIONS } from '../../receiver/config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../receiver/config/receiver-options.interface';
import { IngestBatchProcessor, newEventId } from '../../receiver/ingest';
import { PurgeService } from '../../receiver/lifecycle/purge.service';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import { LinksService } from '../../receiver/links/links.service';
import { PrivacyService } from '../../receiver/privacy/privacy.service';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { ProjectEntity } from '../../receiver/storage/entities';
import type { TrackedLinkEntity } from '../../receiver/storage/entities/tracked-link.entity';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { ErrorStatusService } from '../../receiver/tracking/error-status.service';
import type {
  AuditJob,
  ErrorJob,
} from '../../receiver/tracking/interfaces/tracking-jobs.interface';
import { AUDIT_JOB, ERROR_JOB } from '../../receiver/tracking/tracking.constants';
import { createProject } from './analytics-fixtures';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine } from '../support/services';
import { storedRollups } from './stored-rollups';
import { segmentLimits } from '../../receiver/rollups/member-segments';
import { seededRandom as random } from '../support/seeded-random';

const ZONE = 'Europe/Paris';
const DAY_MS = 86_400_000;
const SEED = Number(process.env.ROLLUP_PROPERTY_SEED ?? 20261130);
const SEGMENT_IDS = segmentLimits.ids;

const DEVICES = [
  { deviceType: 'desktop', os: 'Windows', browser: 'Chrome', browserVersion: '120' },
  { deviceType: 'mobile', os: 'iOS', browser: 'Safari', browserVersion: '17' },
  { deviceType: 'tablet', os: 'Android', browser: 'Chrome', browserVersion: '119' },
] as const;
// Labels distinct under every engine's collation.
const PLACES = [
  { country: '', countryCode: '', region: '', city: '' },
  { country: 'France', countryCode: 'FR', region: 'Île-de-France', city: 'Paris' },
  { country: 'Germany', countryCode: 'DE', region: '', city: '' },
  { country: 'India', countryCode: 'IN', region: 'Kerala', city: 'Kochi' },
];
const CATEGORIES: Array<ClickJob['referrerCategory']> = ['direct', 'social', 'organic_search'];
/** People behind the errors (their id in the context), the clicks (their address) and the audits. */
const PEOPLE = 12;
/**
 * Audit actions: more than the 20 `top_actions` lists, spellings only an exact comparison tells
 * apart (case, accent, trailing space), picked with a skew so that counts tie in the tail.
 */
const ACTIONS = [
  ...Array.from({ length: 22 }, (_, i) => `action.${i}`),
  'login',
  'Login',
  'café',
  'cafe ',
];

/** An instant in the last `days` local days; a third of them a few minutes around midnight. */
function instant(rnd: () => number, now: number, days: number): number {
  const dayStart = now - Math.floor(rnd() * days) * DAY_MS;
  const at =
    rnd() < 0.33
      ? Date.parse(`${localDateOf(dayStart, ZONE)}T21:58:00Z`) + Math.floor(rnd() * 240_000)
      : dayStart - Math.floor(rnd() * 20 * 3_600_000);
  return Math.min(now, at);
}

describeEachEngine('error, link and audit rollups answer exactly as the raw queries', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine, options: { timezone: ZONE } });
  const now = Date.now();
  const rnd = random(SEED + 7 * engine.length);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)];
  let projects: number[];
  let links: TrackedLinkEntity[];
  let ds: DataSource;
  let salt: string;

  const windows = (): AnalyticsRange[] => {
    const today = localDateOf(now, ZONE);
    const custom = (from: string, to: string) =>
      parseAnalyticsRange({ range: 'custom', from, to }, ZONE, now);
    const list = [
      parseAnalyticsRange({ range: '7d' }, ZONE, now),
      parseAnalyticsRange({ range: '30d' }, ZONE, now),
      custom(addDays(today, -20), addDays(today, 5)),
    ];
    for (let i = 0; i < 6; i++) {
      const a = Math.floor(rnd() * 18);
      const b = Math.floor(rnd() * 18);
      list.push(custom(addDays(today, -Math.max(a, b)), addDays(today, -Math.min(a, b))));
    }
    return list;
  };

  const groupIds = async (projectId?: number): Promise<number[]> =>
    (
      await ds.query(
        'SELECT id FROM error_groups' +
          (projectId === undefined ? '' : ` WHERE project_id = ${projectId}`) +
          ' ORDER BY id',
      )
    ).map((r: { id: unknown }) => Number(r.id));

  /** Every error and link answer through both paths; returns how many were compared. */
  const compareAll = async (label: string): Promise<number> => {
    const errorsRaw = receiver.app.get(ErrorQueries);
    const auditsRaw = receiver.app.get(AuditQueries);
    const auditsFast = receiver.app.get(AuditRollupQueries);
    const errorsFast = receiver.app.get(ErrorRollupQueries);
    const linksRaw = receiver.app.get(LinkQueries);
    const linksFast = receiver.app.get(LinkRollupQueries);
    const groups = await groupIds();
    let compared = 0;
    for (const range of windows()) {
      for (const projectId of projects) {
        // Any group id, the other project's included (its events are not this project's);
        // error-detail only opens the project's own groups.
        const group = groups.length > 0 ? pick(groups) : 1;
        const own = await groupIds(projectId);
        const detailed = own.length > 0 ? pick(own) : 1;
        const pairs: Array<[string, () => Promise<unknown>, () => Promise<unknown>]> = [
          [
            'errors-trend',
            () => errorsFast.trend(projectId, range, null),
            () => errorsRaw.trend(projectId, range, null),
          ],
          [
            `errors-trend group ${group}`,
            () => errorsFast.trend(projectId, range, group),
            () => errorsRaw.trend(projectId, range, group),
          ],
          [
            `error-detail days ${detailed}`,
            () => errorsFast.detailDays(projectId, detailed, range),
            () => errorsRaw.detailDays(detailed, range),
          ],
          [
            'links',
            () => linksFast.links(projectId, range),
            () => linksRaw.links(projectId, range),
          ],
          [
            'audits top_actions',
            () => auditsFast.topActions(projectId, range),
            () => auditsRaw.topActions(projectId, range),
          ],
        ];
        for (const link of links.filter((l) => l.project_id === projectId)) {
          const row = await linksRaw.findLink(projectId, link.code);
          if (!row) continue;
          pairs.push([
            `link-detail ${link.code}`,
            () => linksFast.detail(row, range),
            () => linksRaw.detail(row, range),
          ]);
        }
        for (const [name, fromRollups, fromRaw] of pairs) {
          const context = `${label} ${name} ${range.fromDate}..${range.toDate} project ${projectId} seed ${SEED}`;
          expect({ context, answer: await fromRollups() }).toEqual({
            context,
            answer: await fromRaw(),
          });
          compared++;
        }
      }
    }
    return compared;
  };

  const rollupRows = async (where: string): Promise<number> => {
    const [row] = await ds.query(`SELECT COUNT(*) AS n FROM analytics_rollups WHERE ${where}`);
    return Number(row.n);
  };

  /** Clickers (link-clickers.ts) matching `where` (on `link_clickers k`). */
  const clickers = async (where: string): Promise<number> => {
    const [row] = await ds.query(`SELECT COUNT(*) AS n FROM link_clickers k WHERE ${where}`);
    return Number(row.n);
  };

  /** Clickers without a stored click of their link and address (none may stay). */
  const unclicked = () =>
    clickers(
      'NOT EXISTS (SELECT 1 FROM link_clicks c WHERE c.link_id = k.link_id AND c.ip_hash = k.ip_hash)',
    );

  afterAll(() => {
    segmentLimits.ids = SEGMENT_IDS;
  });

  const ingest = async (jobs: Array<{ id: string; kind: string; payload: unknown }>) => {
    const processor = receiver.app.get(IngestBatchProcessor);
    for (let i = 0; i < jobs.length;) {
      // Lists past 3 ids are stored in segments from the second half on (see rollups-property).
      if (i >= jobs.length / 2) segmentLimits.ids = 3;
      const size = 1 + Math.floor(rnd() * 40);
      const results = await processor.process(jobs.slice(i, i + size));
      expect(results.filter(Boolean)).toEqual([]);
      i += size;
    }
  };

  beforeAll(async () => {
    ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    salt = receiver.app.get<ResolvedReceiverOptions>(RECEIVER_OPTIONS).ipHashSalt;
    projects = [
      (await createProject(receiver, 'Shop')).id,
      (await createProject(receiver, 'Blog')).id,
    ];
    const service = receiver.app.get(LinksService);
    links = [];
    for (const projectId of projects)
      for (let i = 0; i < 3; i++)
        links.push(await service.create(projectId, `https://site.test/${i}`, `link ${i}`));
    const jobs: Array<{ id: string; kind: string; payload: ErrorJob | ClickJob | AuditJob }> = [];
    for (let i = 0; i < 260; i++) {
      const projectId = pick(projects);
      const person = Math.floor(rnd() * PEOPLE);
      const fingerprint = `fp${Math.floor(rnd() * 6)}`.padEnd(64, '0');
      const error: ErrorJob = {
        projectId,
        receivedAt: instant(rnd, now, 16),
        fingerprint,
        errorType: 'TypeError',
        message: `failure ${fingerprint.slice(0, 3)}`,
        file: 'app.js',
        line: 1,
        stack: null,
        url: 'https://site.test/',
        severity: pick(['error', 'critical', 'warning'] as const),
        environment: 'production',
        context: { visitor_id: `person-${person}` },
        occurrences: rnd() < 0.2 ? 1 + Math.floor(rnd() * 5) : 1,
        device: { ...pick(DEVICES) },
        geo: { ...pick(PLACES) },
      };
      jobs.push({ id: newEventId(), kind: ERROR_JOB, payload: error });
    }
    for (let i = 0; i < 300; i++) {
      const link = pick(links);
      const person = Math.floor(rnd() * PEOPLE);
      const click: ClickJob = {
        linkId: link.id,
        projectId: link.project_id,
        referrerUrl: '',
        referrerCategory: pick(CATEGORIES),
        // An address the erasure can name, or (rarely) no address at all.
        ipHash: rnd() < 0.05 ? '' : hashIp(`10.0.0.${person}`, salt),
        device: { ...pick(DEVICES) },
        geo: { ...pick(PLACES) },
        clickedAt: new Date(instant(rnd, now, 16)).toISOString(),
      };
      jobs.push({ id: newEventId(), kind: CLICK_JOB, payload: click });
    }
    for (let i = 0; i < 400; i++) {
      const audit: AuditJob = {
        projectId: pick(projects),
        receivedAt: instant(rnd, now, 16),
        // Skewed: low indexes far more frequent, the tail a handful each (ties).
        action: ACTIONS[Math.floor(ACTIONS.length * rnd() ** 2)],
        actor: `person-${Math.floor(rnd() * PEOPLE)}`,
        ipHash: '',
        context: null,
      };
      jobs.push({ id: newEventId(), kind: AUDIT_JOB, payload: audit });
    }
    // Arrival order, errors, clicks and audits mixed in the batches.
    const ordered = jobs.sort(
      (a, b) => at(a.payload) - at(b.payload) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    await ingest(ordered);
    // A queue's at-least-once redelivery of events already stored: counted once.
    const again = ordered.filter(() => rnd() < 0.1);
    expect(again.length).toBeGreaterThan(5);
    await ingest(again.map((job) => ({ ...job, redelivered: true })));
  });

  it('serves error, link and audit analytics from the rollups the ingest maintained, identical to the raw queries', async () => {
    expect(await rollupRows(`dimension = 'error_group'`)).toBeGreaterThan(10);
    expect(await rollupRows(`dimension = 'link'`)).toBeGreaterThan(10);
    expect(await rollupRows(`dimension = 'audit_action'`)).toBeGreaterThan(10);
    // The HTTP path takes the rollups (they are complete in the receiver's zone).
    const project = await ds.getRepository(ProjectEntity).findOneByOrFail({ id: projects[0] });
    const range = parseAnalyticsRange({ range: '30d' }, ZONE, now);
    for (const [path, fast] of [
      ['errors-trend', () => receiver.app.get(ErrorRollupQueries).trend(projects[0], range, null)],
      ['links', () => receiver.app.get(LinkRollupQueries).links(projects[0], range)],
    ] as const) {
      const res = await receiver.http.get(`/api/analytics/${path}?range=30d`, {
        'X-API-Key': project.secret_key,
        'X-Test-Mode': 'phpunit',
      });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject(JSON.parse(JSON.stringify(await fast())));
    }
    const audits = await receiver.http.get('/api/analytics/audits?range=30d', {
      'X-API-Key': project.secret_key,
      'X-Test-Mode': 'phpunit',
    });
    expect(audits.status).toBe(200);
    const top = await receiver.app.get(AuditRollupQueries).topActions(projects[0], range);
    expect(top).toHaveLength(20);
    expect(audits.body.data.top_actions).toEqual(top);
    expect(await compareAll('ingest')).toBeGreaterThan(100);
  });

  it('stays exact after error groups are resolved, ignored and reopened', async () => {
    const status = receiver.app.get(ErrorStatusService);
    const groups = await groupIds();
    await status.setStatus(projects[0], groups.slice(0, 3), 'resolved');
    await status.setStatus(projects[1], groups, 'ignored');
    await compareAll('status');
    await status.setStatus(projects[0], groups.slice(0, 2), 'open');
    await compareAll('reopen');
  });

  it('stays exact after a person is erased (their error events and the clicks of their address)', async () => {
    const before = await rollupRows(`project_id = ${projects[0]}`);
    const privacy = receiver.app.get(PrivacyService);
    const outcome = await privacy.erase(
      { type: 'visitor', projectId: projects[0], visitorId: 'person-1', ip: '10.0.0.1' },
      { requestedBy: 'property test', credential: 'cli' },
    );
    expect(outcome.rows.error_events).toBeGreaterThan(0);
    expect(outcome.rows.link_clicks).toBeGreaterThan(0);
    // The address leaves the clickers of the project's links (not those of the other project).
    const hash = `'${hashIp('10.0.0.1', salt)}'`;
    const own = `k.link_id IN (SELECT id FROM tracked_links WHERE project_id = ${projects[0]})`;
    expect(await clickers(`k.ip_hash = ${hash} AND ${own}`)).toBe(0);
    expect(await clickers(`k.ip_hash = ${hash} AND NOT ${own}`)).toBeGreaterThan(0);
    expect(await unclicked()).toBe(0);
    expect(await rollupRows(`project_id = ${projects[0]}`)).toBeLessThanOrEqual(before);
    await compareAll('erasure');
  });

  it('stays exact after an actor is erased (their audit entries)', async () => {
    const outcome = await receiver.app
      .get(PrivacyService)
      .erase(
        { type: 'actor', projectId: projects[1], actor: 'person-2' },
        { requestedBy: 'property test', credential: 'cli' },
      );
    expect(outcome.rows.audit_logs).toBeGreaterThan(0);
    await compareAll('actor erasure');
  });

  it('drops a deleted link rollups with it', async () => {
    const link = links.find((l) => l.project_id === projects[0]) as TrackedLinkEntity;
    const own = `project_id = ${projects[0]} AND (dimension LIKE '%:${link.id.toString(36)}')`;
    expect(await rollupRows(own)).toBeGreaterThan(0);
    expect(await clickers(`k.link_id = ${link.id}`)).toBeGreaterThan(0);
    await receiver.app.get(LinksService).delete(link);
    links = links.filter((l) => l.id !== link.id);
    expect(await rollupRows(own)).toBe(0);
    expect(await clickers(`k.link_id = ${link.id}`)).toBe(0);
    expect(await rollupRows(`dimension = 'link' AND label_a = '${link.id}'`)).toBe(0);
    await compareAll('link deleted');
  });

  it('rebuilds the same rollups from the raw rows (rebuild-rollups)', async () => {
    const snapshot = () => storedRollups(ds);
    const ids = () => ds.query('SELECT id, link_id, ip_hash FROM link_clickers ORDER BY id');
    const before = await snapshot();
    const enrolled = await ids();
    await receiver.app.get(RollupRebuildService).rebuild();
    expect(await snapshot()).toEqual(before);
    expect(await ids()).toEqual(enrolled);
    await compareAll('rebuild');
  }, 120_000);

  it('rebuilds exact rollups for clicks no clicker id was given yet (an upgraded install)', async () => {
    await ds.query('DELETE FROM link_clickers');
    await receiver.app.get(RollupRebuildService).rebuild();
    expect(await clickers('1 = 1')).toBeGreaterThan(10);
    expect(await unclicked()).toBe(0);
    await compareAll('rebuild without clickers');
  }, 120_000);

  it('stays exact after the retention purge cut a day of errors, of clicks and of audits in two', async () => {
    await ds.getRepository(ProjectEntity).update(projects[0], {
      retention_errors_days: 6,
      retention_clicks_days: 9,
      retention_audit_days: 7,
    });
    await receiver.app.get(PurgeService).run({ now });
    // Addresses whose every click of a link was purged leave its clickers.
    expect(await unclicked()).toBe(0);
    await compareAll('purge');
  });
});

const at = (payload: ErrorJob | ClickJob | AuditJob): number =>
  'clickedAt' in payload ? Date.parse(payload.clickedAt) : payload.receivedAt;
