import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { instantOf, int } from '../../storage/sql/sql-values';
import { RollupReader } from '../../rollups/rollup.reader';
import { LINK, linkDimension, linkKey } from '../../rollups/link-click.facts';
import { MemberCounter } from '../../rollups/member-list';
import { LinkQueries } from './link.queries';
import { rollupWindow } from './rollup.queries';

type Row = Record<string, unknown>;

/**
 * links and link-detail (contract 2.5.13, 2.5.14) answered from the per-day clicks of each link
 * (dimension `link`, with the day's clicker ids: unique clicks are the exact union over the
 * window's days) and each link's per-day breakdowns (country, referrer category, device type).
 * The engine sums, groups and orders the breakdowns as the raw queries do. Each method returns
 * what its counterpart in LinkQueries returns — the property test holds them to it.
 */
@Injectable()
export class LinkRollupQueries {
  private readonly rollups: RollupReader;

  constructor(
    private readonly sql: AnalyticsSql,
    private readonly raw: LinkQueries,
  ) {
    this.rollups = new RollupReader(sql);
  }

  async links(projectId: number, range: AnalyticsRange) {
    const [links, days] = await Promise.all([
      this.sql.rows<Row>(
        (p) =>
          `SELECT l.id, l.code, l.label, l.destination_url, l.created_at FROM tracked_links l ` +
          `WHERE l.project_id = ${p.add(projectId)}`,
      ),
      this.rollups.firstLabelCounts(rollupWindow(projectId, LINK, range)),
    ]);
    const clicks = new Map<string, { total: number; lists: Uint8Array[] }>();
    for (const day of days) {
      const link = clicks.get(day.label) ?? { total: 0, lists: [] };
      link.total += day.pageviews;
      if (day.members) link.lists.push(day.members);
      clicks.set(day.label, link);
    }
    const counter = new MemberCounter(days.map((day) => day.members));
    const answer = links.map((link) => {
      const found = clicks.get(String(int(link.id)));
      return {
        link,
        total: found?.total ?? 0,
        uniques: found ? counter.count(found.lists) : 0,
        createdAt: instantOf(link.created_at).getTime(),
      };
    });
    // As the raw ORDER BY total_clicks DESC, l.created_at DESC, l.id DESC.
    answer.sort(
      (a, b) => b.total - a.total || b.createdAt - a.createdAt || int(b.link.id) - int(a.link.id),
    );
    return this.raw.linksAnswer(answer, range);
  }

  async detail(link: Row, range: AnalyticsRange) {
    const projectId = int(link.project_id);
    const linkId = int(link.id);
    const breakdown = (kind: 'country' | 'referrer' | 'device') =>
      rollupWindow(projectId, linkDimension(kind, linkId), range);
    const [days, countries, referrers, devices] = await Promise.all([
      this.rollups.rows(rollupWindow(projectId, LINK, range), [linkKey(linkId)]),
      // Ordered as the raw queries: clicks, then the country code / the category / the type.
      this.rollups.grouped(breakdown('country'), 2, ['l1']),
      this.rollups.grouped(breakdown('referrer'), 1, ['l0']),
      this.rollups.grouped(breakdown('device'), 1, ['l0']),
    ]);
    const ordered = days
      .filter((d) => d.pageviews > 0)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const lists = ordered.flatMap((d) => (d.members ? [d.members] : []));
    return this.raw.detailAnswer(link, range, {
      total: ordered.reduce((all, d) => all + d.pageviews, 0),
      uniques: new MemberCounter(lists).count(lists),
      countries: countries.map((r) => ({ country: r.l0, country_code: r.l1, clicks: r.pageviews })),
      referrers: referrers.map((r) => ({ category: r.l0, clicks: r.pageviews })),
      devices: devices.map((r) => ({ device_type: r.l0, clicks: r.pageviews })),
      days: ordered.map((d) => ({ day: d.day, clicks: d.pageviews })),
    });
  }

  /** As LinkQueries.clicksPerDay: the day sums of the link rows (one per link and day). */
  async clicksPerDay(
    projectId: number,
    range: AnalyticsRange,
    linkId?: number,
  ): Promise<Array<{ day: string; clicks: number }>> {
    const keys = linkId === undefined ? undefined : [linkKey(linkId)];
    const days = await this.rollups.daySums(rollupWindow(projectId, LINK, range), keys);
    return days.filter((d) => d.total > 0).map((d) => ({ day: d.day, clicks: d.total }));
  }
}
