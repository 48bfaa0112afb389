import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { TrafficQueries } from './traffic.queries';
import { rollUp } from './roll-up';
import { avg, int, percent, round, text } from '../../storage/sql/sql-values';
import { MemberCounter } from '../../rollups/member-list';
import {
  RollupRepository,
  type RollupWindow,
  type StoredRollup,
} from '../../rollups/rollup.repository';
import { ROLLUP_DIMENSIONS, valueKey } from '../../rollups/rollup.dimensions';

/** `top_referrers` and the capped location lists (contract 2.5.6, 2.5.7), as the raw queries. */
const REFERRER_TOP = 20;
const LOCATION_TOP = 50;

type Row = Record<string, unknown>;

/**
 * The traffic endpoints (contract 2.5.1–2.5.8) answered from the rollups: the engine sums,
 * groups and orders the per-day rows exactly as the raw queries group and order pageviews, and
 * unique visitors (and sessions) are the exact union of the days' member lists, counted here.
 * Each method returns what its counterpart in TrafficQueries / BreakdownQueries returns — the
 * property test holds them to it. Sessions themselves (count, bounce, durations) are read from
 * the sessions table, whose rows change after the day they started.
 */
@Injectable()
export class RollupQueries {
  private readonly repository: RollupRepository;

  constructor(
    private readonly sql: AnalyticsSql,
    private readonly raw: TrafficQueries,
  ) {
    this.repository = new RollupRepository(sql);
  }

  async visitors(projectId: number, range: AnalyticsRange) {
    const [days, sessions] = await Promise.all([
      this.repository.rows(window(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      this.raw.sessionTotals(projectId, range),
    ]);
    const counter = new MemberCounter(days.map((d) => d.members));
    const ordered = byDay(days);
    return {
      unique_visitors: counter.count(ordered.map((d) => d.members)),
      total_pageviews: sum(ordered),
      total_sessions: int(sessions.total),
      bounce_rate: percent(int(sessions.bounced), int(sessions.total)),
      over_time: ordered.map((d) => ({
        date: d.day,
        pageviews: d.pageviews,
        unique_visitors: counter.count([d.members]),
      })),
    };
  }

  async returning(projectId: number, range: AnalyticsRange) {
    const [days, firstSeen] = await Promise.all([
      this.repository.rows(window(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      // Visitors first seen from the window's start on: new inside it, neither after it.
      this.sql.rows(
        (
          p,
        ) => `SELECT id, CASE WHEN first_seen < ${p.instant(range.endMs)} THEN 1 ELSE 0 END AS fresh
        FROM visitors WHERE project_id = ${p.add(projectId)} AND first_seen >= ${p.instant(range.startMs)}`,
      ),
    ]);
    const fresh = new Set<number>();
    const later = new Set<number>();
    for (const row of firstSeen) (int(row.fresh) === 1 ? fresh : later).add(int(row.id));
    const ordered = byDay(days);
    const counter = new MemberCounter(ordered.map((d) => d.members));
    const present = new Set<number>();
    counter.count(
      ordered.map((d) => d.members),
      present,
    );
    const classify = (ids: Iterable<number>) => {
      let isNew = 0;
      let back = 0;
      for (const id of ids) {
        if (fresh.has(id)) isNew++;
        else if (!later.has(id)) back++;
      }
      return [isNew, back];
    };
    const [isNew, back] = classify(present);
    return {
      total_visitors: isNew + back,
      new_visitors: isNew,
      returning_visitors: back,
      new_pct: percent(isNew, isNew + back),
      returning_pct: percent(back, isNew + back),
      over_time: ordered.map((d) => {
        const ids = new Set<number>();
        counter.count([d.members], ids);
        const [dayNew, dayBack] = classify(ids);
        return { date: d.day, new_visitors: dayNew, returning_visitors: dayBack };
      }),
    };
  }

  async sessions(projectId: number, range: AnalyticsRange) {
    const [totals, pageviews, sessionLists, days] = await Promise.all([
      this.raw.sessionTotals(projectId, range),
      this.repository.rows(window(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      this.repository.rows(window(projectId, ROLLUP_DIMENSIONS.session.name, range)),
      this.raw.sessionDays(projectId, range),
    ]);
    const lists = sessionLists.map((d) => d.members);
    const sessionCount = new MemberCounter(lists).count(lists);
    return {
      total_sessions: int(totals.total),
      bounce_rate: percent(int(totals.bounced), int(totals.total)),
      avg_duration_seconds: Math.round(avg(totals.avg_duration)),
      avg_duration_engaged: Math.round(avg(totals.avg_engaged)),
      avg_pages_per_session: sessionCount > 0 ? round(sum(pageviews) / sessionCount, 2) : 0,
      over_time: days,
    };
  }

  async pages(projectId: number, range: AnalyticsRange, limit: number) {
    const w = window(projectId, ROLLUP_DIMENSIONS.page.name, range);
    const groups = await this.repository.grouped(w, 2, ['l0', 'l1'], limit);
    const visitors = await this.uniques(w, groups, 2);
    return {
      count: groups.length,
      pages: groups.map((g, i) => ({
        url: text(g.l0),
        page_title: text(g.l1),
        pageviews: int(g.pageviews),
        unique_visitors: visitors[i],
      })),
    };
  }

  async devices(projectId: number, range: AnalyticsRange) {
    const w = window(projectId, ROLLUP_DIMENSIONS.device.name, range);
    const [types, osBrowser] = await Promise.all([
      this.repository.grouped(w, 1, ['l0']),
      this.repository.grouped(window(projectId, ROLLUP_DIMENSIONS.osBrowser.name, range), 2, []),
    ]);
    const visitors = await this.uniques(w, types, 1);
    const pairs = osBrowser.map((r) => ({ os: r.l0, browser: r.l1, pageviews: r.pageviews }));
    return {
      by_device: types.map((g, i) => ({
        device_type: text(g.l0),
        pageviews: int(g.pageviews),
        unique_visitors: visitors[i],
      })),
      by_os: rollUp(pairs, ['os']),
      by_browser: rollUp(pairs, ['browser']),
    };
  }

  async locations(projectId: number, range: AnalyticsRange) {
    const w = window(projectId, ROLLUP_DIMENSIONS.country.name, range);
    const [countries, places] = await Promise.all([
      this.repository.grouped(w, 2, ['l1']),
      this.repository.grouped(window(projectId, ROLLUP_DIMENSIONS.place.name, range), 4, []),
    ]);
    const visitors = await this.uniques(w, countries, 2);
    const rows = places.map((r) => ({
      country: r.l0,
      country_code: r.l1,
      region: r.l2,
      city: r.l3,
      pageviews: r.pageviews,
    }));
    return {
      by_country: countries.map((g, i) => ({
        country: text(g.l0),
        country_code: text(g.l1),
        pageviews: int(g.pageviews),
        unique_visitors: visitors[i],
      })),
      by_region: rollUp(
        rows,
        ['country', 'country_code', 'region'],
        (r) => text(r.region) !== '',
      ).slice(0, LOCATION_TOP),
      by_city: rollUp(rows, ['city', 'region', 'country_code'], (r) => text(r.city) !== '').slice(
        0,
        LOCATION_TOP,
      ),
    };
  }

  async referrers(projectId: number, range: AnalyticsRange) {
    const w = window(projectId, ROLLUP_DIMENSIONS.referrer.name, range);
    const [categories, top] = await Promise.all([
      this.repository.grouped(w, 1, ['l0']),
      this.repository.grouped(
        window(projectId, ROLLUP_DIMENSIONS.referrerUrl.name, range),
        1,
        ['l0'],
        REFERRER_TOP,
      ),
    ]);
    const visitors = await this.uniques(w, categories, 1);
    return {
      by_category: categories.map((g, i) => ({
        category: text(g.l0),
        pageviews: int(g.pageviews),
        unique_visitors: visitors[i],
      })),
      top_referrers: top.map((r) => ({ referrer_url: text(r.l0), pageviews: int(r.pageviews) })),
    };
  }

  async utm(projectId: number, range: AnalyticsRange) {
    const w = window(projectId, ROLLUP_DIMENSIONS.utm.name, range);
    const groups = await this.repository.grouped(w, 3, ['l0', 'l1', 'l2']);
    const visitors = await this.uniques(w, groups, 3);
    return {
      count: groups.length,
      campaigns: groups.map((g, i) => ({
        utm_source: text(g.l0),
        utm_medium: text(g.l1),
        utm_campaign: text(g.l2),
        pageviews: int(g.pageviews),
        unique_visitors: visitors[i],
      })),
    };
  }

  /** Unique visitors of each group (index for index): the union of its days' member lists. */
  private async uniques(w: RollupWindow, groups: Row[], labels: number): Promise<number[]> {
    const keys = groups.map((g) =>
      valueKey(Array.from({ length: labels }, (_, i) => text(g[`l${i}`]))),
    );
    const rows = await this.repository.rows(w, [...new Set(keys)]);
    const lists = new Map<string, StoredRollup['members'][]>();
    for (const row of rows) {
      const list = lists.get(row.valueKey);
      if (list) list.push(row.members);
      else lists.set(row.valueKey, [row.members]);
    }
    const counter = new MemberCounter(rows.map((r) => r.members));
    return keys.map((key) => counter.count(lists.get(key) ?? []));
  }
}

const window = (projectId: number, dimension: string, range: AnalyticsRange): RollupWindow => ({
  projectId,
  dimension,
  fromDay: range.fromDate,
  toDay: range.toDate,
});

const byDay = (rows: StoredRollup[]): StoredRollup[] =>
  rows.filter((r) => r.pageviews > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

const sum = (rows: StoredRollup[]): number => rows.reduce((total, r) => total + r.pageviews, 0);
