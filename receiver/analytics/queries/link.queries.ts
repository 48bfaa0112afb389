import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import { LinksRepository } from '../../links/links.repository';
import { shortUrl } from '../../links/short-url';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import type { SqlParams } from '../../storage/sql/sql-params';
import { int, text } from '../../storage/sql/sql-values';
import { localTimestamp } from '../../common/time/receiver-time';

type Row = Record<string, unknown>;

/** links and link-detail (contract 2.5.13, 2.5.14). */
@Injectable()
export class LinkQueries {
  constructor(
    private readonly sql: AnalyticsSql,
    private readonly linkRows: LinksRepository,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
  ) {}

  async links(projectId: number, range: AnalyticsRange) {
    // The window sits in the join, so links without clicks in range still appear with zeros.
    const rows = await this.sql.rows(
      (p) => `SELECT l.id, l.code, l.label, l.destination_url,
        l.created_at, COUNT(c.id) AS total_clicks, COUNT(DISTINCT c.ip_hash) AS unique_clicks
      FROM tracked_links l
        LEFT JOIN link_clicks c ON c.link_id = l.id AND ${this.sql.within('c.created_at', range, p)}
      WHERE l.project_id = ${p.add(projectId)}
      GROUP BY l.id, l.code, l.label, l.destination_url, l.created_at
      ORDER BY total_clicks DESC, l.created_at DESC, l.id DESC`,
    );
    return {
      count: rows.length,
      links: rows.map((r) => ({
        code: text(r.code),
        short_url: shortUrl(this.options, text(r.code)),
        label: text(r.label),
        destination_url: text(r.destination_url),
        total_clicks: int(r.total_clicks),
        unique_clicks: int(r.unique_clicks),
        created_at: localTimestamp(r.created_at, range.timeZone),
      })),
    };
  }

  /** The project's link with this code (matched case-insensitively), if any. */
  findLink(projectId: number, code: string): Promise<Row | undefined> {
    return this.linkRows.findRow(projectId, code);
  }

  async detail(link: Row, range: AnalyticsRange) {
    const linkId = int(link.id);
    const clicks = (p: SqlParams) =>
      `c.link_id = ${p.add(linkId)} AND ${this.sql.within('c.created_at', range, p)}`;
    const [totals, countries, referrers, devices, days] = await Promise.all([
      this.sql.row(
        (p) => `SELECT COUNT(*) AS total, COUNT(DISTINCT c.ip_hash) AS uniques
        FROM link_clicks c WHERE ${clicks(p)}`,
      ),
      this.sql.rows(
        (p) => `SELECT l.country, l.country_code, COUNT(*) AS clicks
        FROM link_clicks c ${this.sql.dialect.factJoin} locations l ON l.id = c.location_id WHERE ${clicks(p)}
        GROUP BY l.country, l.country_code ORDER BY clicks DESC, country_code`,
      ),
      this.sql.rows(
        (p) => `SELECT c.referrer_category AS category, COUNT(*) AS clicks
        FROM link_clicks c WHERE ${clicks(p)}
        GROUP BY c.referrer_category ORDER BY clicks DESC, category`,
      ),
      this.sql.rows(
        (p) => `SELECT d.device_type, COUNT(*) AS clicks
        FROM link_clicks c ${this.sql.dialect.factJoin} devices d ON d.id = c.device_id WHERE ${clicks(p)}
        GROUP BY d.device_type ORDER BY clicks DESC, device_type`,
      ),
      this.sql.perDay(
        range,
        (p, within) => `COUNT(*) AS clicks FROM link_clicks c
          WHERE c.link_id = ${p.add(linkId)} AND ${within('c.created_at')}`,
        (row) => int(row.clicks) > 0,
      ),
    ]);
    return {
      link: {
        id: linkId,
        code: text(link.code),
        label: text(link.label),
        destination_url: text(link.destination_url),
        created_at: localTimestamp(link.created_at, range.timeZone),
      },
      total_clicks: int(totals.total),
      unique_clicks: int(totals.uniques),
      by_country: countries.map((r) => ({
        country: text(r.country),
        country_code: text(r.country_code),
        clicks: int(r.clicks),
      })),
      by_referrer: referrers.map((r) => ({ category: text(r.category), clicks: int(r.clicks) })),
      by_device: devices.map((r) => ({ device_type: text(r.device_type), clicks: int(r.clicks) })),
      over_time: days.map((d) => ({ date: String(d.day), clicks: int(d.clicks) })),
    };
  }
}
