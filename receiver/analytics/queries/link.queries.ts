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

/** links and link-detail (contract 2.5.13, 2.5.14), from the raw rows. */
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
    return this.linksAnswer(
      rows.map((r) => ({ link: r, total: int(r.total_clicks), uniques: int(r.unique_clicks) })),
      range,
    );
  }

  /** The links answer from each link's row and its clicks, in answer order. */
  linksAnswer(links: Array<{ link: Row; total: number; uniques: number }>, range: AnalyticsRange) {
    return {
      count: links.length,
      links: links.map(({ link, total, uniques }) => ({
        code: text(link.code),
        short_url: shortUrl(this.options, text(link.code)),
        label: text(link.label),
        destination_url: text(link.destination_url),
        total_clicks: total,
        unique_clicks: uniques,
        created_at: localTimestamp(link.created_at, range.timeZone),
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
      this.clicksPerDay(int(link.project_id), range, linkId),
    ]);
    return this.detailAnswer(link, range, {
      total: int(totals.total),
      uniques: int(totals.uniques),
      countries,
      referrers,
      devices,
      days,
    });
  }

  /** Clicks per day of the window (days with clicks, in day order): of one link, or of all the project's links. */
  async clicksPerDay(
    projectId: number,
    range: AnalyticsRange,
    linkId?: number,
  ): Promise<Array<{ day: string; clicks: number }>> {
    const days = await this.sql.perDay(
      range,
      (p, within) =>
        `COUNT(*) AS clicks FROM link_clicks c WHERE ` +
        (linkId === undefined
          ? `c.project_id = ${p.add(projectId)}`
          : `c.link_id = ${p.add(linkId)}`) +
        ` AND ${within('c.created_at')}`,
      (row) => int(row.clicks) > 0,
    );
    return days.map((d) => ({ day: d.day, clicks: int(d.clicks) }));
  }

  /**
   * The link-detail answer from its parts: breakdown rows (`country`, `country_code`,
   * `category`, `device_type`, and `clicks`) in answer order, days with clicks in day order.
   */
  detailAnswer(
    link: Row,
    range: AnalyticsRange,
    parts: {
      total: number;
      uniques: number;
      countries: Row[];
      referrers: Row[];
      devices: Row[];
      days: Array<{ day: string; clicks: number }>;
    },
  ) {
    return {
      link: {
        id: int(link.id),
        code: text(link.code),
        label: text(link.label),
        destination_url: text(link.destination_url),
        created_at: localTimestamp(link.created_at, range.timeZone),
      },
      total_clicks: parts.total,
      unique_clicks: parts.uniques,
      by_country: parts.countries.map((r) => ({
        country: text(r.country),
        country_code: text(r.country_code),
        clicks: int(r.clicks),
      })),
      by_referrer: parts.referrers.map((r) => ({
        category: text(r.category),
        clicks: int(r.clicks),
      })),
      by_device: parts.devices.map((r) => ({
        device_type: text(r.device_type),
        clicks: int(r.clicks),
      })),
      over_time: parts.days.map((d) => ({ date: d.day, clicks: d.clicks })),
    };
  }
}
