import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import type { SqlParams } from '../sql/sql-params';
import { int, text } from '../sql/sql-values';

/** Rows kept by the capped location lists (contract 2.5.6). */
const LOCATION_TOP = 50;
/** Rows kept by `top_referrers` (contract 2.5.7). */
const REFERRER_TOP = 20;

/** devices, locations, referrers and utm (contract 2.5.5–2.5.8): pageviews grouped by a dimension. */
@Injectable()
export class BreakdownQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  async devices(projectId: number, range: AnalyticsRange) {
    const from = (p: SqlParams) => `FROM pageviews pv JOIN devices d ON d.id = pv.device_id
      WHERE pv.project_id = ${p.add(projectId)} AND ${this.sql.within('pv.created_at', range, p)}`;
    const [byDevice, byOs, byBrowser] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT d.device_type AS device_type, COUNT(*) AS pageviews,
          COUNT(DISTINCT pv.visitor_id) AS visitors ${from(p)}
        GROUP BY d.device_type ORDER BY pageviews DESC, device_type`,
      ),
      this.sql.rows(
        (p) => `SELECT d.os AS os, COUNT(*) AS pageviews ${from(p)}
        GROUP BY d.os ORDER BY pageviews DESC, os`,
      ),
      this.sql.rows(
        (p) => `SELECT d.browser AS browser, COUNT(*) AS pageviews ${from(p)}
        GROUP BY d.browser ORDER BY pageviews DESC, browser`,
      ),
    ]);
    return {
      by_device: byDevice.map((r) => ({
        device_type: text(r.device_type),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
      by_os: byOs.map((r) => ({ os: text(r.os), pageviews: int(r.pageviews) })),
      by_browser: byBrowser.map((r) => ({ browser: text(r.browser), pageviews: int(r.pageviews) })),
    };
  }

  async locations(projectId: number, range: AnalyticsRange) {
    const from = (p: SqlParams) => `FROM pageviews pv JOIN locations l ON l.id = pv.location_id
      WHERE pv.project_id = ${p.add(projectId)} AND ${this.sql.within('pv.created_at', range, p)}`;
    const [countries, regions, cities] = await Promise.all([
      this.sql.rows(
        (p) => `SELECT l.country AS country, l.country_code AS country_code,
          COUNT(*) AS pageviews, COUNT(DISTINCT pv.visitor_id) AS visitors ${from(p)}
        GROUP BY l.country, l.country_code ORDER BY pageviews DESC, country_code`,
      ),
      this.sql.rows(
        (p) => `SELECT l.country AS country, l.country_code AS country_code,
          l.region AS region, COUNT(*) AS pageviews ${from(p)} AND l.region <> ''
        GROUP BY l.country, l.country_code, l.region ORDER BY pageviews DESC, country_code, region
        LIMIT ${LOCATION_TOP}`,
      ),
      this.sql.rows(
        (p) => `SELECT l.city AS city, l.region AS region, l.country_code AS country_code,
          COUNT(*) AS pageviews ${from(p)} AND l.city <> ''
        GROUP BY l.city, l.region, l.country_code ORDER BY pageviews DESC, country_code, city
        LIMIT ${LOCATION_TOP}`,
      ),
    ]);
    return {
      by_country: countries.map((r) => ({
        country: text(r.country),
        country_code: text(r.country_code),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
      by_region: regions.map((r) => ({
        country: text(r.country),
        country_code: text(r.country_code),
        region: text(r.region),
        pageviews: int(r.pageviews),
      })),
      by_city: cities.map((r) => ({
        city: text(r.city),
        region: text(r.region),
        country_code: text(r.country_code),
        pageviews: int(r.pageviews),
      })),
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
