import { LRUCache } from 'lru-cache';
import type { SqlRunner } from '../storage/sql/sql-runner';
import type { SqlParams } from '../storage/sql/sql-params';
import { instantOf, int, present, text } from '../storage/sql/sql-values';
import { projectSpan } from './project-span.sql';
import type { PageviewFact } from './rollup.dimensions';

/** Rows per read of a day scan (a slice of the day's hours). */
const SCAN_SLICE = 50_000;

type Device = NonNullable<PageviewFact['device']>;
type Place = NonNullable<PageviewFact['location']>;

/** A pageview row as the ingest inserts it (the columns the rollups need). */
export interface PageviewRowLike {
  project_id: number;
  visitor_id: number;
  session_id: number;
  device_id: number | null;
  location_id: number | null;
  url: string;
  page_title: string;
  referrer_url: string;
  referrer_category: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  created_at: Date;
}

/** The device and location ids of an inserted row. */
export type DimensionIds = Pick<PageviewRowLike, 'device_id' | 'location_id'>;

/**
 * Turns pageview rows into {@link PageviewFact}s with the device and location labels as stored in
 * their rows (what the raw queries join to). Those rows never change, so their labels are cached
 * by id — once the transaction that read them committed (a rolled-back id may be reused).
 */
export class PageviewFactsReader {
  private readonly devices = new LRUCache<number, Device>({ max: 20_000 });
  private readonly places = new LRUCache<number, Place>({ max: 20_000 });

  /** `sliceRows`: rows per read of {@link scanDay} (tests use tiny slices to cross their edges). */
  constructor(private readonly sliceRows = SCAN_SLICE) {}

  /** Facts of rows the ingest just inserted; `afterCommit` receives the cache fill. */
  async ofRows(
    sql: SqlRunner,
    rows: readonly PageviewRowLike[],
    afterCommit: (task: () => void) => void,
  ): Promise<PageviewFact[]> {
    const { device, place } = await this.labelsOf(sql, rows, afterCommit);
    return rows.map((row) => ({
      projectId: row.project_id,
      createdAt: row.created_at.getTime(),
      visitorId: Number(row.visitor_id),
      sessionId: Number(row.session_id),
      url: row.url,
      pageTitle: row.page_title,
      referrerUrl: row.referrer_url,
      referrerCategory: row.referrer_category,
      utmSource: row.utm_source,
      utmMedium: row.utm_medium,
      utmCampaign: row.utm_campaign,
      device: row.device_id === null ? null : device(row.device_id),
      location: row.location_id === null ? null : place(row.location_id),
    }));
  }

  /**
   * The device and location labels of rows the ingest just inserted (pageviews, link clicks),
   * by id; `afterCommit` receives the cache fill.
   */
  async labelsOf(
    sql: SqlRunner,
    rows: readonly DimensionIds[],
    afterCommit: (task: () => void) => void,
  ): Promise<{ device(id: number): Device | null; place(id: number): Place | null }> {
    const { devices, places } = await this.load(sql, rows);
    afterCommit(() => {
      for (const [id, device] of devices) this.devices.set(id, device);
      for (const [id, place] of places) this.places.set(id, place);
    });
    return this.lookup(devices, places);
  }

  /** Labels by id: the caches first, then what was just loaded (the caches may have evicted it). */
  private lookup(
    devices: Map<number, Device>,
    places: Map<number, Place>,
  ): { device(id: number): Device | null; place(id: number): Place | null } {
    return {
      device: (id) => this.devices.get(id) ?? devices.get(id) ?? null,
      place: (id) => this.places.get(id) ?? places.get(id) ?? null,
    };
  }

  /** Facts of one project's stored pageviews in `[startMs, endMs)` (a rebuild). */
  async stored(
    sql: SqlRunner,
    projectId: number,
    startMs: number,
    endMs: number,
    visitorId?: number,
  ): Promise<PageviewFact[]> {
    const rows = await sql.rows<Record<string, unknown>>(
      (p) =>
        `SELECT pv.project_id, pv.visitor_id, pv.session_id, pv.url, pv.page_title, ` +
        `pv.referrer_url, pv.referrer_category, pv.utm_source, pv.utm_medium, pv.utm_campaign, ` +
        `pv.created_at, d.device_type, d.os, d.browser, l.country, l.country_code, l.region, ` +
        `l.city, d.id AS device_row, l.id AS location_row FROM pageviews pv ` +
        `LEFT JOIN devices d ON d.id = pv.device_id LEFT JOIN locations l ON l.id = pv.location_id ` +
        `WHERE ${projectSpan('pv.created_at', projectId, startMs, endMs)(p)}` +
        (visitorId === undefined ? '' : ` AND pv.visitor_id = ${p.add(visitorId)}`),
    );
    return rows.map((row) =>
      factOf(
        row,
        int(row.project_id),
        instantOf(row.created_at).getTime(),
        present(row.device_row)
          ? { type: text(row.device_type), os: text(row.os), browser: text(row.browser) }
          : null,
        present(row.location_row)
          ? {
              country: text(row.country),
              countryCode: text(row.country_code),
              region: text(row.region),
              city: text(row.city),
            }
          : null,
      ),
    );
  }

  /**
   * Calls `visit` with the facts of one project's stored pageviews in `[startMs, endMs)`, all
   * within one local day (a rebuild): read in time slices of about `sliceRows` rows, so a
   * day of a large site never sits in memory at once, without joins (device and location labels
   * come from caches filled once per id) and without `created_at` (every fact gets `startMs`,
   * which lies in the same local day). Returns the number of pageviews visited.
   */
  async scanDay(
    sql: SqlRunner,
    projectId: number,
    startMs: number,
    endMs: number,
    visit: (fact: PageviewFact) => void,
  ): Promise<number> {
    const inWindow = (p: SqlParams, from: number, to: number) =>
      projectSpan('created_at', projectId, from, to)(p);
    const count = int(
      (
        await sql.row<{ n: unknown }>(
          (p) => `SELECT COUNT(*) AS n FROM pageviews WHERE ${inWindow(p, startMs, endMs)}`,
        )
      )?.n,
    );
    if (count === 0) return 0;
    const slices = Math.ceil(count / this.sliceRows);
    const step = Math.ceil((endMs - startMs) / slices);
    let visited = 0;
    for (let from = startMs; from < endMs; from += step) {
      const to = Math.min(endMs, from + step);
      const rows = await sql.rows<Record<string, unknown>>(
        (p) =>
          `SELECT visitor_id, session_id, device_id, location_id, url, page_title, referrer_url, ` +
          `referrer_category, utm_source, utm_medium, utm_campaign FROM pageviews ` +
          `WHERE ${inWindow(p, from, to)}`,
      );
      const { devices, places } = await this.load(
        sql,
        rows.map((row) => ({
          device_id: row.device_id === null ? null : int(row.device_id),
          location_id: row.location_id === null ? null : int(row.location_id),
        })),
      );
      // Committed rows of tables whose rows never change: cached at once.
      for (const [id, device] of devices) this.devices.set(id, device);
      for (const [id, place] of places) this.places.set(id, place);
      const labels = this.lookup(devices, places);
      for (const row of rows) {
        visit(
          factOf(
            row,
            projectId,
            startMs,
            row.device_id === null ? null : labels.device(int(row.device_id)),
            row.location_id === null ? null : labels.place(int(row.location_id)),
          ),
        );
      }
      visited += rows.length;
    }
    return visited;
  }

  private async load(
    sql: SqlRunner,
    rows: readonly DimensionIds[],
  ): Promise<{ devices: Map<number, Device>; places: Map<number, Place> }> {
    const devices = new Set<number>();
    const places = new Set<number>();
    const foundDevices = new Map<number, Device>();
    const foundPlaces = new Map<number, Place>();
    for (const row of rows) {
      if (row.device_id !== null && !this.devices.has(row.device_id)) devices.add(row.device_id);
      if (row.location_id !== null && !this.places.has(row.location_id))
        places.add(row.location_id);
    }
    if (devices.size > 0) {
      const found = await sql.rows<Record<string, unknown>>(
        (p) =>
          `SELECT id, device_type, os, browser FROM devices WHERE id IN (${p.list([...devices])})`,
      );
      for (const d of found)
        foundDevices.set(int(d.id), {
          type: text(d.device_type),
          os: text(d.os),
          browser: text(d.browser),
        });
    }
    if (places.size > 0) {
      const found = await sql.rows<Record<string, unknown>>(
        (p) =>
          `SELECT id, country, country_code, region, city FROM locations WHERE id IN (${p.list([...places])})`,
      );
      for (const l of found)
        foundPlaces.set(int(l.id), {
          country: text(l.country),
          countryCode: text(l.country_code),
          region: text(l.region),
          city: text(l.city),
        });
    }
    return { devices: foundDevices, places: foundPlaces };
  }
}

/** The fact of a stored pageview row, with its time and labels as the caller resolved them. */
const factOf = (
  row: Record<string, unknown>,
  projectId: number,
  createdAt: number,
  device: Device | null,
  location: Place | null,
): PageviewFact => ({
  projectId,
  createdAt,
  visitorId: int(row.visitor_id),
  sessionId: int(row.session_id),
  url: text(row.url),
  pageTitle: text(row.page_title),
  referrerUrl: text(row.referrer_url),
  referrerCategory: text(row.referrer_category),
  utmSource: text(row.utm_source),
  utmMedium: text(row.utm_medium),
  utmCampaign: text(row.utm_campaign),
  device,
  location,
});
