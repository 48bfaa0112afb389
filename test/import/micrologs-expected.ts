import { RANGE, type Row } from './micrologs-fixture';

/**
 * The analytics answers of one project over {@link RANGE}, computed from the generated rows the
 * way contract 2.5 defines them (days are the wall-clock days Micrologs stored), in the shapes
 * the spec compares (lists sorted by their key, so ties in the receiver's order do not matter).
 */

const inRange = (wall: unknown): boolean => {
  const day = String(wall).slice(0, 10);
  return day >= RANGE.from && day <= RANGE.to;
};
const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (part: number, whole: number) => (whole > 0 ? round1((part / whole) * 100) : 0);
const seconds = (wall: unknown) => Date.parse(`${String(wall).replace(' ', 'T')}Z`) / 1000;

function group<T>(rows: Row[], key: (row: Row) => string, make: (rows: Row[]) => T) {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const k = key(row);
    groups.set(k, [...(groups.get(k) ?? []), row]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, g]) => ({ key: k, ...make(g) }));
}

const distinct = (rows: Row[], column: string) => new Set(rows.map((row) => row[column])).size;

export function expectedAnalytics(tables: Record<string, Row[]>, projectId: number) {
  const of = (table: string) => tables[table].filter((row) => row.project_id === projectId);
  const byId = (table: string) => new Map(of(table).map((row) => [row.id, row]));
  const pvs = of('pageviews').filter((p) => inRange(p.created_at));
  const sessions = of('sessions').filter((s) => inRange(s.started_at));
  const visitors = byId('visitors');
  const devices = byId('devices');
  const locations = byId('locations');
  const bounced = sessions.filter((s) => s.is_bounced === 1).length;
  const durations = sessions.map((s) => seconds(s.last_activity) - seconds(s.started_at));
  const visitorIds = new Set(pvs.map((p) => p.visitor_id));
  const newVisitors = [...visitorIds].filter(
    (id) => String(visitors.get(id)?.first_seen).slice(0, 10) >= RANGE.from,
  ).length;
  const withDevice = pvs.filter((p) => p.device_id !== null);
  const withLocation = pvs.filter((p) => p.location_id !== null);
  const groups = of('error_groups').filter((g) => inRange(g.last_seen));
  const events = of('error_events').filter((e) => inRange(e.created_at));
  const clicks = of('link_clicks').filter((c) => inRange(c.created_at));
  return {
    visitors: {
      unique_visitors: visitorIds.size,
      total_pageviews: pvs.length,
      total_sessions: sessions.length,
      bounce_rate: pct(bounced, sessions.length),
      over_time: group(
        pvs,
        (p) => String(p.created_at).slice(0, 10),
        (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
      ).map(({ key, ...rest }) => ({ date: key, ...rest })),
    },
    returning: {
      total_visitors: visitorIds.size,
      new_visitors: newVisitors,
      returning_visitors: visitorIds.size - newVisitors,
    },
    sessions: {
      total_sessions: sessions.length,
      bounce_rate: pct(bounced, sessions.length),
      avg_duration_seconds: sessions.length
        ? Math.round(durations.reduce((a, b) => a + b, 0) / sessions.length)
        : 0,
    },
    pages: group(
      pvs,
      (p) => `${p.url}\u0001${p.page_title}`,
      (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
    ),
    byDevice: group(
      withDevice,
      (p) => String(devices.get(p.device_id)?.device_type),
      (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
    ),
    byBrowser: group(
      withDevice,
      (p) => String(devices.get(p.device_id)?.browser),
      (g) => ({ pageviews: g.length }),
    ),
    byCountry: group(
      withLocation,
      (p) => String(locations.get(p.location_id)?.country_code),
      (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
    ),
    byCategory: group(
      pvs,
      (p) => String(p.referrer_category),
      (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
    ),
    campaigns: group(
      pvs.filter((p) => p.utm_campaign !== ''),
      (p) => `${p.utm_source}\u0001${p.utm_medium}\u0001${p.utm_campaign}`,
      (g) => ({ pageviews: g.length, unique_visitors: distinct(g, 'visitor_id') }),
    ),
    errors: {
      total: groups.length,
      occurrences: group(
        groups,
        (g) => String(g.message),
        (g) => ({ occurrence_count: g[0].occurrence_count, status: g[0].status }),
      ),
      total_occurrences: events.length,
    },
    topActions: group(
      of('audit_logs').filter((a) => inRange(a.created_at)),
      (a) => String(a.action),
      (g) => ({ count: g.length }),
    ),
    links: group(
      of('tracked_links'),
      (l) => String(l.code),
      (g) => {
        const mine = clicks.filter((c) => c.link_id === g[0].id);
        return { total_clicks: mine.length, unique_clicks: distinct(mine, 'ip_hash') };
      },
    ),
  };
}
