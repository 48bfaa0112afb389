/**
 * A small, hand-checked dataset for the analytics suites. Every figure the suites expect is
 * derived in the comments next to the rows. The receiver runs in Asia/Kolkata (UTC+05:30), so a
 * local day D spans [D−1 18:30Z, D 18:30Z): an event at 18:00Z still counts on the same local
 * day, one at 19:00Z on the next.
 */
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import {
  AuditLogEntity,
  DeviceEntity,
  ErrorEventEntity,
  ErrorGroupEntity,
  LinkClickEntity,
  LocationEntity,
  PageviewEntity,
  SessionEntity,
  TrackedLinkEntity,
  VisitorEntity,
} from '../../receiver/storage/entities';
import { adminHeaders, type ReceiverAppHandle } from '../support/receiver-app';

export const FIXTURE_TIMEZONE = 'Asia/Kolkata';
/** The window every suite asks for: local 2026-01-10 00:00 … 2026-01-12 23:59:59. */
export const WINDOW = 'range=custom&from=2026-01-10&to=2026-01-12';

export interface SeededProject {
  id: number;
  secretKey: string;
  publicKey: string;
}

export interface Seed {
  project: SeededProject;
  other: SeededProject;
  groups: { g1: number; g2: number; g3: number; g4: number; foreign: number };
  links: { k1: string; k2: string; k3: string; foreign: string };
}

const at = (iso: string) => new Date(iso);

async function insert<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  row: Partial<T>,
): Promise<number> {
  const result = await ds.getRepository(entity).insert(row as never);
  return Number(result.identifiers[0].id);
}

export async function createProject(
  receiver: ReceiverAppHandle,
  name: string,
): Promise<SeededProject> {
  const res = await receiver.http.post(
    '/api/projects/create.php',
    { name, allowed_domains: ['site.test'] },
    adminHeaders({ 'X-Test-Mode': 'phpunit' }),
  );
  const data = res.body.data;
  return { id: data.id, secretKey: data.secret_key, publicKey: data.public_key };
}

export async function seedAnalytics(receiver: ReceiverAppHandle): Promise<Seed> {
  const ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
  const project = await createProject(receiver, 'Site');
  const other = await createProject(receiver, 'Other');
  const pid = project.id;

  const visitor = (first: string, hash: string, projectId = pid) =>
    insert(ds, VisitorEntity, {
      project_id: projectId,
      visitor_hash: hash.padEnd(64, '0'),
      fingerprint_hash: '',
      first_seen: at(first),
      last_seen: at(first),
    });
  const v1 = await visitor('2026-01-01T00:00:00Z', 'a1'); // before the window → returning
  const v2 = await visitor('2026-01-10T05:00:00Z', 'a2'); // inside → new
  const v3 = await visitor('2026-01-11T19:00:00Z', 'a3'); // inside (local 01-12 00:30) → new
  const v4 = await visitor('2026-01-05T00:00:00Z', 'a4'); // only views outside the window
  const vx = await visitor('2026-01-10T00:00:00Z', 'ax', other.id);

  const device = (device_type: 'desktop' | 'mobile', os: string, browser: string) =>
    insert(ds, DeviceEntity, {
      project_id: pid,
      device_type,
      os,
      browser,
      browser_version: '1',
      created_at: at('2026-01-01T00:00:00Z'),
    });
  const d1 = await device('desktop', 'Windows', 'Chrome');
  const d2 = await device('mobile', 'iOS', 'Safari');
  const location = (country: string, country_code: string, region: string, city: string) =>
    insert(ds, LocationEntity, {
      project_id: pid,
      country,
      country_code,
      region,
      city,
      is_vpn: false,
      created_at: at('2026-01-01T00:00:00Z'),
    });
  const l1 = await location('India', 'IN', 'Karnataka', 'Bengaluru');
  const l2 = await location('France', 'FR', '', '');

  const session = (
    visitorId: number,
    token: string,
    start: string,
    seconds: number,
    bounced: boolean,
    projectId = pid,
  ) =>
    insert(ds, SessionEntity, {
      project_id: projectId,
      visitor_id: visitorId,
      session_token: token,
      started_at: at(start),
      last_activity: new Date(at(start).getTime() + seconds * 1000),
      is_bounced: bounced,
    });
  const s1 = await session(v1, 's1', '2026-01-09T19:00:00Z', 120, false); // local 01-10 00:30
  const s2 = await session(v2, 's2', '2026-01-10T05:00:00Z', 0, true); // local 01-10
  const s3 = await session(v3, 's3', '2026-01-11T19:00:00Z', 300, false); // local 01-12 00:30
  const s4 = await session(v1, 's4', '2026-01-09T18:00:00Z', 60, true); // local 01-09 23:30: outside
  const s5 = await session(v4, 's5', '2026-01-20T10:00:00Z', 10, true); // outside
  const sx = await session(vx, 'sx', '2026-01-10T10:00:00Z', 10, true, other.id);

  const HOME = 'https://site.test/home';
  const PRICING = 'https://site.test/pricing';
  const GOOGLE = 'https://www.google.com/search?q=x';
  const HN = 'https://news.ycombinator.com/item';
  const view = (
    sessionId: number,
    visitorId: number,
    url: string,
    title: string,
    when: string,
    extra: Partial<PageviewEntity> = {},
  ) =>
    insert(ds, PageviewEntity, {
      project_id: pid,
      session_id: sessionId,
      visitor_id: visitorId,
      url,
      page_title: title,
      referrer_url: '',
      referrer_category: 'direct',
      location_id: null,
      device_id: d2,
      created_at: at(when),
      ...extra,
    });
  const fromGoogle = {
    referrer_url: GOOGLE,
    referrer_category: 'organic_search' as const,
    device_id: d1,
    location_id: l1,
  };
  const fromHn = { referrer_url: HN, referrer_category: 'referral' as const };
  await view(s1, v1, HOME, 'Home', '2026-01-09T19:00:00Z', {
    ...fromGoogle,
    utm_source: 'news',
    utm_medium: 'email',
    utm_campaign: 'spring',
  }); // 01-10
  await view(s1, v1, PRICING, 'Pricing', '2026-01-09T19:02:00Z', fromGoogle); // 01-10
  await view(s2, v2, HOME, 'Home', '2026-01-10T05:00:00Z', { location_id: l2 }); // 01-10, direct
  await view(s3, v3, HOME, 'Home', '2026-01-11T19:00:00Z', fromHn); // 01-12
  await view(s3, v3, HOME, 'Home — new', '2026-01-11T19:04:00Z', fromHn); // 01-12
  await view(s3, v3, PRICING, 'Pricing', '2026-01-12T18:29:59Z', { ...fromHn, utm_source: 'x' }); // 01-12 23:59:59
  await view(s3, v3, PRICING, 'Pricing', '2026-01-12T18:30:00Z', fromHn); // 01-13 00:00: outside
  await view(s4, v1, HOME, 'Home', '2026-01-09T18:00:00Z'); // 01-09 23:30: outside
  await view(s5, v4, HOME, 'Home', '2026-01-20T10:00:00Z'); // outside
  await insert(ds, PageviewEntity, {
    project_id: other.id,
    session_id: sx,
    visitor_id: vx,
    url: HOME,
    page_title: 'Home',
    created_at: at('2026-01-10T10:00:00Z'),
  });

  const group = (fields: Partial<ErrorGroupEntity>, projectId = pid) =>
    insert(ds, ErrorGroupEntity, {
      project_id: projectId,
      fingerprint: `${fields.error_type}-${fields.line}-${fields.last_seen?.toISOString()}`
        .padEnd(64, 'f')
        .slice(0, 64),
      file: 'app.js',
      occurrence_count: 1,
      ...fields,
    });
  const g1 = await group({
    error_type: 'TypeError',
    message: 'x is undefined',
    line: 10,
    severity: 'critical',
    environment: 'production',
    status: 'open',
    occurrence_count: 3,
    first_seen: at('2026-01-05T00:00:00Z'),
    last_seen: at('2026-01-11T10:00:00Z'),
  });
  const g2 = await group({
    error_type: 'Warn',
    message: 'slow',
    line: 0,
    severity: 'warning',
    environment: 'staging',
    status: 'resolved',
    first_seen: at('2026-01-10T12:00:00Z'),
    last_seen: at('2026-01-10T12:00:00Z'),
  });
  const g3 = await group({
    error_type: 'Old',
    message: 'gone',
    line: 1,
    severity: 'critical',
    environment: 'production',
    status: 'open',
    first_seen: at('2026-01-20T00:00:00Z'),
    last_seen: at('2026-01-20T00:00:00Z'),
  });
  const g4 = await group({
    error_type: 'Error',
    message: 'late',
    line: null,
    severity: 'error',
    environment: 'production',
    status: 'investigating',
    first_seen: at('2026-01-12T18:00:00Z'),
    last_seen: at('2026-01-12T18:00:00Z'), // local 01-12 23:30
  });
  const foreign = await group(
    {
      error_type: 'Foreign',
      message: 'other project',
      line: 2,
      severity: 'error',
      environment: 'production',
      status: 'open',
      first_seen: at('2026-01-10T00:00:00Z'),
      last_seen: at('2026-01-10T00:00:00Z'),
    },
    other.id,
  );
  const event = (groupId: number, when: string, extra: Partial<ErrorEventEntity> = {}) =>
    insert(ds, ErrorEventEntity, {
      group_id: groupId,
      project_id: pid,
      url: HOME,
      environment: 'production',
      severity: 'error',
      stack_trace: null,
      context: null,
      device_id: null,
      location_id: null,
      created_at: at(when),
      ...extra,
    });
  await event(g1, '2026-01-09T20:00:00Z', {
    device_id: d1,
    location_id: l1,
    stack_trace: 'at x (app.js:10)',
    context: { user: 1 },
    severity: 'critical',
  }); // 01-10 01:30
  await event(g1, '2026-01-11T10:00:00Z', { device_id: d2 }); // 01-11
  await event(g1, '2026-01-01T00:00:00Z'); // outside
  await event(g2, '2026-01-10T12:00:00Z', { environment: 'staging', severity: 'warning' }); // 01-10
  await event(g4, '2026-01-12T18:00:00Z'); // 01-12 23:30

  const audit = (action: string, actor: string, when: string, context: unknown = null) =>
    insert(ds, AuditLogEntity, {
      project_id: pid,
      action,
      actor,
      ip_hash: 'h',
      context,
      created_at: at(when),
    });
  await audit('login', 'alice', '2026-01-10T01:00:00Z', { ip: 'x' });
  await audit('login', 'bob', '2026-01-11T01:00:00Z');
  await audit('delete', 'alice', '2026-01-11T02:00:00Z');
  await audit('login', 'alice', '2026-01-30T00:00:00Z'); // outside

  const link = (
    code: string,
    destination: string,
    label: string,
    created: string,
    active = true,
    projectId = pid,
  ) =>
    insert(ds, TrackedLinkEntity, {
      project_id: projectId,
      code,
      destination_url: destination,
      label,
      is_active: active,
      created_at: at(created),
    });
  const k1 = await link('AbCd1234', 'https://example.com/a', 'A', '2026-01-01T00:00:00Z');
  const k2 = await link('Zz99Yy88', 'https://example.com/b', '', '2026-01-02T00:00:00Z', false);
  await link('ftpLink1', 'ftp://files.example.com/x', 'F', '2026-01-03T00:00:00Z');
  await link('Foreign1', 'https://example.com/f', '', '2026-01-03T00:00:00Z', true, other.id);
  const click = (linkId: number, when: string, ip: string, extra: Partial<LinkClickEntity> = {}) =>
    insert(ds, LinkClickEntity, {
      link_id: linkId,
      project_id: pid,
      ip_hash: ip,
      referrer_url: '',
      referrer_category: 'direct',
      device_id: null,
      location_id: null,
      created_at: at(when),
      ...extra,
    });
  await click(k1, '2026-01-10T00:00:00Z', 'h1', {
    device_id: d1,
    location_id: l1,
    referrer_url: 'https://facebook.com/',
    referrer_category: 'social',
  }); // 01-10
  await click(k1, '2026-01-10T01:00:00Z', 'h1', { device_id: d2 }); // 01-10
  await click(k1, '2026-01-11T19:00:00Z', 'h2', { device_id: d2, location_id: l2 }); // 01-12
  await click(k1, '2026-01-20T00:00:00Z', 'h9'); // outside
  await click(k2, '2026-01-10T03:00:00Z', 'h3'); // 01-10

  // The rows went in behind the ingest's back (as an import would): build their rollups, so the
  // suites check the answers the receiver serves from them.
  await receiver.app.get(RollupRebuildService).rebuild();

  return {
    project,
    other,
    groups: { g1, g2, g3, g4, foreign },
    links: { k1: 'AbCd1234', k2: 'Zz99Yy88', k3: 'ftpLink1', foreign: 'Foreign1' },
  };
}
