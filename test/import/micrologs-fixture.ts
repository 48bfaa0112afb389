import { createHash } from 'node:crypto';

/**
 * Generated Micrologs data (rows with explicit ids, timestamps as Micrologs stores them: local
 * wall times without offset) and, computed by hand from the same rows, what the analytics must
 * answer after the import. Deterministic (seeded), so a failure reproduces.
 */

export type Row = Record<string, string | number | null>;

export interface MicrologsData {
  tables: Record<string, Row[]>;
  /** Rows the import must skip, per table and reason. */
  invalid: { pageviewOrphans: number; auditInvalid: number };
}

export const RANGE = { from: '2026-03-20', to: '2026-04-03' };
const DAYS = 15;

/** mulberry32: a small seeded generator. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const hex = (text: string, length = 64) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/** `YYYY-MM-DD HH:MM:SS` of day `day` (0 = RANGE.from) at `seconds` after midnight. */
export function wallTime(day: number, seconds: number): string {
  const d = new Date(Date.UTC(2026, 2, 20 + day));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${d.toISOString().slice(0, 10)} ${pad(h)}:${pad(m)}:${pad(s)}`;
}

const PAGES = [
  ['/', 'Home'],
  ['/products', 'Products'],
  ['/products', 'All products'],
  ['/cart', 'Cart'],
  ['/about', 'About us'],
  ['/products?utm_source=newsletter&utm_medium=email&utm_campaign=spring', 'Products'],
  ['/blog/post-1?utm_source=twitter&utm_medium=social&utm_campaign=launch', 'Launch'],
];
const REFERRERS: Array<[string, string]> = [
  ['', 'direct'],
  ['https://www.google.com/', 'organic_search'],
  ['https://twitter.com/x', 'social'],
  ['https://partner.example.net/page', 'referral'],
  ['https://mail.example.org/', 'email'],
];
const DEVICES = [
  ['desktop', 'Windows', 'Chrome', '124.0'],
  ['mobile', 'Android', 'Chrome', '124.0'],
  ['mobile', 'iOS', 'Safari', '17.4'],
  ['tablet', 'iPadOS', 'Safari', '17.4'],
];
const LOCATIONS = [
  ['France', 'FR', 'Île-de-France', 'Paris'],
  ['Germany', 'DE', 'Berlin', 'Berlin'],
  ['United States', 'US', 'California', 'San Francisco'],
  ['United Kingdom', 'GB', '', ''],
];
const ACTIONS = ['user.login', 'user.logout', 'order.created'];

/**
 * Three projects (two active, one disabled) with `visitorsPerProject` visitors each, one to
 * three sessions per visitor and one to six pageviews per session over 15 days (around the
 * 2026-03-29 DST change of Europe/Paris), errors, audits, links and clicks — plus rows the
 * receiver must refuse: a pageview of a session that does not exist, an audit with a zero date.
 */
export function generateMicrologsData(visitorsPerProject = 60, seed = 7): MicrologsData {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const t: Record<string, Row[]> = {
    projects: [],
    visitors: [],
    sessions: [],
    devices: [],
    locations: [],
    pageviews: [],
    error_groups: [],
    error_events: [],
    audit_logs: [],
    tracked_links: [],
    link_clicks: [],
  };
  const projects = [
    { name: 'Shop', domain: 'shop.example.com', active: 1 },
    { name: 'Blog', domain: 'blog.example.com', active: 1 },
    { name: 'Old', domain: 'old.example.com', active: 0 },
  ];
  projects.forEach((p, index) => {
    const id = index + 1;
    t.projects.push({
      id,
      name: p.name,
      secret_key: hex(`secret-${seed}-${id}`),
      public_key: hex(`public-${seed}-${id}`, 32),
      allowed_domains: p.domain,
      is_active: p.active,
      created_at: '2026-01-15 10:00:00',
      updated_at: '2026-02-01 09:30:00',
    });
    const deviceIds = DEVICES.map(([type, os, browser, version]) => {
      const row = {
        id: t.devices.length + 1,
        project_id: id,
        device_type: type,
        os,
        browser,
        browser_version: version,
        created_at: '2026-01-20 12:00:00',
      };
      t.devices.push(row);
      return row.id;
    });
    const locationIds = LOCATIONS.map(([country, code, region, city]) => {
      const row = {
        id: t.locations.length + 1,
        project_id: id,
        country,
        country_code: code,
        region,
        city,
        is_vpn: 0,
        created_at: '2026-01-20 12:00:00',
      };
      t.locations.push(row);
      return row.id;
    });
    const visitors = index === 2 ? 5 : visitorsPerProject;
    for (let v = 0; v < visitors; v++) {
      const visitorId = t.visitors.length + 1;
      const earlier = rnd() < 0.25;
      const visitor: Row = {
        id: visitorId,
        project_id: id,
        visitor_hash: hex(`visitor-${seed}-${visitorId}`),
        fingerprint_hash: rnd() < 0.5 ? '' : hex(`fp-${visitorId}`),
        first_seen: earlier ? `2026-02-${pad(int(10, 27))} 11:00:00` : '',
        last_seen: '',
      };
      t.visitors.push(visitor);
      let first = '';
      let last = '';
      const sessions = int(1, 3);
      for (let s = 0; s < sessions; s++) {
        const sessionId = t.sessions.length + 1;
        const day = int(0, DAYS - 1);
        let at = int(8 * 3600, 20 * 3600);
        const count = int(1, 6);
        const started = wallTime(day, at);
        const session: Row = {
          id: sessionId,
          project_id: id,
          visitor_id: visitorId,
          session_token: `${seed}-${sessionId}-${hex(`tok-${sessionId}`, 20)}`,
          started_at: started,
          last_activity: started,
          is_bounced: count === 1 ? 1 : 0,
        };
        t.sessions.push(session);
        for (let k = 0; k < count; k++) {
          if (k > 0) at += int(10, 300);
          const [path, title] = pick(PAGES);
          const [referrer, category] = pick(REFERRERS);
          const url = `https://${p.domain}${path}`;
          const utm = new URL(url).searchParams;
          const created = wallTime(day, at);
          t.pageviews.push({
            id: t.pageviews.length + 1,
            project_id: id,
            session_id: sessionId,
            visitor_id: visitorId,
            location_id: rnd() < 0.15 ? null : pick(locationIds),
            device_id: rnd() < 0.05 ? null : pick(deviceIds),
            url,
            page_title: title,
            referrer_url: referrer,
            referrer_category: category,
            utm_source: utm.get('utm_source') ?? '',
            utm_medium: utm.get('utm_medium') ?? '',
            utm_campaign: utm.get('utm_campaign') ?? '',
            utm_content: '',
            utm_term: '',
            screen_resolution: '1920x1080',
            timezone: 'Europe/Paris',
            created_at: created,
          });
          session.last_activity = created;
          if (!first || created < first) first = created;
          if (!last || created > last) last = created;
        }
      }
      if (!visitor.first_seen) visitor.first_seen = first;
      visitor.last_seen = last;
    }
    // Errors: five groups, their events inside the range.
    for (let g = 0; g < 5; g++) {
      const groupId = t.error_groups.length + 1;
      const events = int(1, 12);
      const times: string[] = [];
      for (let e = 0; e < events; e++) {
        const created = wallTime(int(0, DAYS - 1), int(8 * 3600, 20 * 3600));
        times.push(created);
        t.error_events.push({
          id: t.error_events.length + 1,
          group_id: groupId,
          project_id: id,
          location_id: pick(locationIds),
          device_id: pick(deviceIds),
          stack_trace: `Error: failure ${g}\n    at main (app.js:${g + 1}:1)`,
          url: `https://${p.domain}/cart`,
          environment: 'production',
          severity: g === 0 ? 'critical' : 'error',
          context: e % 2 === 0 ? JSON.stringify({ order: e, tags: ['a'] }) : null,
          created_at: created,
        });
      }
      times.sort();
      t.error_groups.push({
        id: groupId,
        project_id: id,
        fingerprint: hex(`group-${id}-${g}`),
        error_type: 'TypeError',
        message: `Cannot read properties of undefined (${p.name} ${g})`,
        file: 'app.js',
        line: g + 1,
        severity: g === 0 ? 'critical' : 'error',
        environment: 'production',
        status: pick(['open', 'investigating', 'resolved', 'ignored']),
        occurrence_count: events,
        first_seen: times[0],
        last_seen: times[times.length - 1],
      });
    }
    for (let a = 0; a < 25; a++) {
      t.audit_logs.push({
        id: t.audit_logs.length + 1,
        project_id: id,
        action: pick(ACTIONS),
        actor: `user-${int(1, 5)}@${p.domain}`,
        ip_hash: hex(`ip-${int(1, 9)}`),
        context: a % 3 === 0 ? JSON.stringify({ plan: 'pro' }) : null,
        created_at: wallTime(int(0, DAYS - 1), int(8 * 3600, 20 * 3600)),
      });
    }
    for (let l = 0; l < 3; l++) {
      const linkId = t.tracked_links.length + 1;
      t.tracked_links.push({
        id: linkId,
        project_id: id,
        code: `c${seed}${id}${l}${hex(`code-${linkId}`, 8)}`.slice(0, 8),
        destination_url: `https://${p.domain}/landing-${l}`,
        label: `Campaign ${l}`,
        is_active: l === 2 ? 0 : 1,
        created_at: '2026-02-01 10:00:00',
      });
      const clicks = int(0, 15);
      for (let c = 0; c < clicks; c++) {
        t.link_clicks.push({
          id: t.link_clicks.length + 1,
          link_id: linkId,
          project_id: id,
          location_id: rnd() < 0.2 ? null : pick(locationIds),
          device_id: pick(deviceIds),
          referrer_url: '',
          referrer_category: 'direct',
          ip_hash: hex(`ip-${int(1, 6)}`),
          created_at: wallTime(int(0, DAYS - 1), int(8 * 3600, 20 * 3600)),
        });
      }
    }
  });
  // What the receiver refuses: a pageview of no session, an audit at a zero date.
  const orphan = { ...t.pageviews[0], id: t.pageviews.length + 1, session_id: 99_999_999 };
  t.pageviews.push(orphan);
  t.audit_logs.push({
    ...t.audit_logs[0],
    id: t.audit_logs.length + 1,
    created_at: '0000-00-00 00:00:00',
  });
  return { tables: t, invalid: { pageviewOrphans: 1, auditInvalid: 1 } };
}

/** Rows the import keeps (the refused ones left out). */
export function validRows(data: MicrologsData): Record<string, Row[]> {
  const sessions = new Set(data.tables.sessions.map((s) => s.id));
  return {
    ...data.tables,
    pageviews: data.tables.pageviews.filter((p) => sessions.has(p.session_id)),
    audit_logs: data.tables.audit_logs.filter((a) => !String(a.created_at).startsWith('0000')),
  };
}
