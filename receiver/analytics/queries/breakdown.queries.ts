import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import type { SqlParams } from '../../storage/sql/sql-params';
import { int, text } from '../../storage/sql/sql-values';
import { rollUp } from './roll-up';

/** Rows kept by the capped location lists (contract 2.5.6). */
const LOCATION_TOP = 50;
/** Rows kept by `top_referrers` (contract 2.5.7). */
const REFERRER_TOP = 20;

/** devices, locations, referrers and utm (contract 2.5.5–2.5.8): pageviews grouped by a dimension. */
@Injectable()
export class BreakdownQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  async devices(projectId: number, range: AnalyticsRange) {
    const from = (
      p: SqlParams,
    ) => `FROM pageviews pv ${this.sql.dialect.factJoin} devices d ON d.id = pv.device_id
      WHERE pv.project_id = ${p.add(projectId)} AND ${this.sql.within('pv.created_at', range, p)}`;
    // Two scans: unique visitors need their own grouping; OS and browser roll up from one.
    const [byDevice, byOsBrowser] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT d.device_type AS device_type, COUNT(*) AS pageviews,
          COUNT(DISTINCT pv.visitor_id) AS visitors ${from(p)}
        GROUP BY d.device_type ORDER BY pageviews DESC, device_type`,
      ),
      this.sql.rows(
        (p) => `SELECT d.os AS os, d.browser AS browser, COUNT(*) AS pageviews ${from(p)}
        GROUP BY d.os, d.browser`,
      ),
    ]);
    return {
      by_device: byDevice.map((r) => ({
        device_type: text(r.device_type),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
      by_os: rollUp(byOsBrowser, ['os']),
      by_browser: rollUp(byOsBrowser, ['browser']),
    };
  }

  async locations(projectId: number, range: AnalyticsRange) {
    const from = (
      p: SqlParams,
    ) => `FROM pageviews pv ${this.sql.dialect.factJoin} locations l ON l.id = pv.location_id
      WHERE pv.project_id = ${p.add(projectId)} AND ${this.sql.within('pv.created_at', range, p)}`;
    // Two scans: countries with unique visitors, and places that regions and cities roll up from.
    const [countries, places] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT l.country AS country, l.country_code AS country_code,
          COUNT(*) AS pageviews, COUNT(DISTINCT pv.visitor_id) AS visitors ${from(p)}
        GROUP BY l.country, l.country_code ORDER BY pageviews DESC, country_code`,
      ),
      this.sql.rows(
        (p) => `SELECT l.country AS country, l.country_code AS country_code, l.region AS region,
          l.city AS city, COUNT(*) AS pageviews ${from(p)}
        GROUP BY l.country, l.country_code, l.region, l.city`,
      ),
    ]);
    return {
      by_country: countries.map((r) => ({
        country: text(r.country),
        country_code: text(r.country_code),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
      by_region: rollUp(
        places,
        ['country', 'country_code', 'region'],
        (r) => text(r.region) !== '',
      ).slice(0, LOCATION_TOP),
      by_city: rollUp(places, ['city', 'region', 'country_code'], (r) => text(r.city) !== '').slice(
        0,
        LOCATION_TOP,
      ),
    };
  }

  async referrers(projectId: number, range: AnalyticsRange) {
    const where = (p: SqlParams) =>
      `WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}`;
    const [categories, top] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT referrer_category, COUNT(*) AS pageviews,
          COUNT(DISTINCT visitor_id) AS visitors FROM pageviews ${where(p)}
        GROUP BY referrer_category ORDER BY pageviews DESC, referrer_category`,
      ),
      this.sql.rows(
        (p) => `SELECT referrer_url, COUNT(*) AS pageviews FROM pageviews ${where(p)}
          AND referrer_url <> ''
        GROUP BY referrer_url ORDER BY pageviews DESC, referrer_url LIMIT ${REFERRER_TOP}`,
      ),
    ]);
    return {
      by_category: categories.map((r) => ({
        category: text(r.referrer_category),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
      top_referrers: top.map((r) => ({
        referrer_url: text(r.referrer_url),
        pageviews: int(r.pageviews),
      })),
    };
  }

  async utm(projectId: number, range: AnalyticsRange) {
    const rows = await this.sql.rows(
      (p) => `SELECT utm_source, utm_medium, utm_campaign,
        COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
      FROM pageviews WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}
        AND utm_campaign <> ''
      GROUP BY utm_source, utm_medium, utm_campaign
      ORDER BY pageviews DESC, utm_source, utm_medium, utm_campaign`,
    );
    return {
      count: rows.length,
      campaigns: rows.map((r) => ({
        utm_source: text(r.utm_source),
        utm_medium: text(r.utm_medium),
        utm_campaign: text(r.utm_campaign),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
    };
  }
}
