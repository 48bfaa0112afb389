import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { rollUp } from './roll-up';
import { int, percent, round, text } from '../../storage/sql/sql-values';
import { forEachMember, MemberCounter, memberCount, spanOfAll } from '../../rollups/member-list';
import { FIRST_SEEN } from '../../rollups/first-seen.facts';
import { localDays } from '../../common/time/zoned-time.util';
import { RETENTION_PERIOD_DAYS, type RetentionPeriod } from './retention.queries';
import { SESSION_DAY, type SessionSum } from '../../rollups/session-day.facts';
import { RollupReader, type StoredRollup } from '../../rollups/rollup.reader';
import type { RollupWindow } from '../../rollups/rollup.types';
import { ROLLUP_DIMENSIONS, valueKey } from '../../rollups/rollup.dimensions';

/** `top_referrers` and the capped location lists (contract 2.5.6, 2.5.7), as the raw queries. */
const REFERRER_TOP = 20;
const LOCATION_TOP = 50;

type Row = Record<string, unknown>;

/** The session sums of a day (or of a window, `day` empty). */
interface SessionSums {
  day: string;
  sessions: number;
  bounced: number;
  seconds: number;
  engagedSeconds: number;
}
const SUM_FIELDS: Record<SessionSum, Exclude<keyof SessionSums, 'day'>> = {
  sessions: 'sessions',
  bounced: 'bounced',
  seconds: 'seconds',
  engaged_seconds: 'engagedSeconds',
};
const emptySums = (day: string): SessionSums => ({
  day,
  sessions: 0,
  bounced: 0,
  seconds: 0,
  engagedSeconds: 0,
});
/** After every stored day: a window open to the future. */
const LAST_DAY = '9999-12-31';

/**
 * The traffic endpoints (contract 2.5.1–2.5.8) answered from the rollups: the engine sums,
 * groups and orders the per-day rows exactly as the raw queries group and order pageviews, and
 * unique visitors (and sessions) are the exact union of the days' member lists, counted here.
 * Sessions (count, bounces, durations) come from the per-day session sums, new-versus-returning
 * from the per-day sets of visitors first seen that day. Each method returns what its
 * counterpart in TrafficQueries / BreakdownQueries returns — the property test holds them to it.
 */
@Injectable()
export class RollupQueries {
  private readonly rollups: RollupReader;

  constructor(private readonly sql: AnalyticsSql) {
    this.rollups = new RollupReader(sql);
  }

  async visitors(projectId: number, range: AnalyticsRange) {
    const [days, sessions] = await Promise.all([
      this.rollups.rows(rollupWindow(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      this.sessionSums(projectId, range),
    ]);
    const ordered = byDay(days);
    const counter = new MemberCounter(ordered.map((d) => d.members));
    return {
      unique_visitors: counter.count(ordered.map((d) => d.members)),
      total_pageviews: sum(ordered),
      total_sessions: sessions.total.sessions,
      bounce_rate: percent(sessions.total.bounced, sessions.total.sessions),
      over_time: ordered.map((d) => ({
        date: d.day,
        pageviews: d.pageviews,
        unique_visitors: memberCount(d.members),
      })),
    };
  }

  async returning(projectId: number, range: AnalyticsRange) {
    const [days, firstSeen] = await Promise.all([
      this.rollups.rows(rollupWindow(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      // Visitors first seen from the window's start on: new inside it, neither after it.
      this.rollups.rows({ ...rollupWindow(projectId, FIRST_SEEN, range), toDay: LAST_DAY }),
    ]);
    const ordered = byDay(days);
    const lists = [...ordered.map((d) => d.members), ...firstSeen.map((d) => d.members)];
    const span = spanOfAll(lists);
    const base = span ? span[0] : 0;
    // Per id: 1 = first seen in the window, 2 = first seen after it, 4 = counted in the totals.
    const marks = new Uint8Array(span ? span[1] - span[0] + 1 : 0);
    for (const d of firstSeen) {
      const mark = d.day <= range.toDate ? 1 : 2;
      forEachMember(d.members, (id) => (marks[id - base] = mark));
    }
    let isNew = 0;
    let back = 0;
    const overTime = ordered.map((d) => {
      let dayNew = 0;
      let dayBack = 0;
      forEachMember(d.members, (id) => {
        const mark = marks[id - base];
        const fresh = (mark & 1) !== 0;
        const returning = (mark & 3) === 0;
        if (fresh) dayNew++;
        else if (returning) dayBack++;
        if ((mark & 4) === 0) {
          marks[id - base] = mark | 4;
          if (fresh) isNew++;
          else if (returning) back++;
        }
      });
      return { date: d.day, new_visitors: dayNew, returning_visitors: dayBack };
    });
    return {
      total_visitors: isNew + back,
      new_visitors: isNew,
      returning_visitors: back,
      new_pct: percent(isNew, isNew + back),
      returning_pct: percent(back, isNew + back),
      over_time: overTime,
    };
  }

  async sessions(projectId: number, range: AnalyticsRange) {
    const [sums, pageviews, sessionLists] = await Promise.all([
      this.sessionSums(projectId, range),
      this.rollups.rows(rollupWindow(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      this.rollups.rows(rollupWindow(projectId, ROLLUP_DIMENSIONS.session.name, range)),
    ]);
    const lists = sessionLists.map((d) => d.members);
    const sessionCount = new MemberCounter(lists).count(lists);
    const { total } = sums;
    return {
      total_sessions: total.sessions,
      bounce_rate: percent(total.bounced, total.sessions),
      avg_duration_seconds: Math.round(this.average(total.seconds, total.sessions)),
      avg_duration_engaged: Math.round(
        this.average(total.engagedSeconds, total.sessions - total.bounced),
      ),
      avg_pages_per_session: sessionCount > 0 ? round(sum(pageviews) / sessionCount, 2) : 0,
      over_time: sums.days.map((d) => ({
        date: d.day,
        sessions: d.sessions,
        avg_duration_seconds: Math.round(this.average(d.seconds, d.sessions)),
      })),
    };
  }

  /** Bounce rate per day with sessions, from the per-day session sums (as TrafficQueries). */
  async bounceDays(projectId: number, range: AnalyticsRange) {
    const { days } = await this.sessionSums(projectId, range);
    return days.map((d) => ({ date: d.day, bounce_rate: percent(d.bounced, d.sessions) }));
  }

  /**
   * Retention cohorts (same answer as RetentionQueries): a visitor's cohort is the period of its
   * first-seen day, it "came back in period k" when a day of that period holds it in the window's
   * per-day visitor sets. Each visitor is counted once per period (days come in order).
   */
  async retention(
    projectId: number,
    range: AnalyticsRange,
    period: RetentionPeriod,
    periods: number,
  ) {
    const [days, firstSeen] = await Promise.all([
      this.rollups.rows(rollupWindow(projectId, ROLLUP_DIMENSIONS.total.name, range)),
      this.rollups.rows(rollupWindow(projectId, FIRST_SEEN, range)),
    ]);
    const length = RETENTION_PERIOD_DAYS[period];
    const dayList = localDays(range.fromDate, range.toDate, range.timeZone).map((d) => d.day);
    const bucketOf = new Map(dayList.map((day, i) => [day, Math.floor(i / length)]));
    const buckets = dayList.filter((_, i) => i % length === 0);
    const span = spanOfAll([...days, ...firstSeen].map((d) => d.members));
    const base = span ? span[0] : 0;
    const size = span ? span[1] - span[0] + 1 : 0;
    // Per id: its cohort + 1 (0: not first seen in the window), and the last period it was seen + 1.
    const cohortOf = new Int32Array(size);
    const lastSeen = new Int32Array(size);
    const sizes = new Map<number, number>();
    for (const d of firstSeen) {
      const cohort = bucketOf.get(d.day) as number;
      forEachMember(d.members, (id) => (cohortOf[id - base] = cohort + 1));
      sizes.set(cohort, (sizes.get(cohort) ?? 0) + memberCount(d.members));
    }
    const returned = new Map<string, number>();
    for (const d of byDay(days)) {
      const bucket = bucketOf.get(d.day) as number;
      forEachMember(d.members, (id) => {
        const cohort = cohortOf[id - base] - 1;
        if (cohort < 0 || bucket <= cohort || bucket > cohort + periods) return;
        if (lastSeen[id - base] === bucket + 1) return;
        lastSeen[id - base] = bucket + 1;
        const key = `${cohort}:${bucket - cohort}`;
        returned.set(key, (returned.get(key) ?? 0) + 1);
      });
    }
    const cohorts = [...sizes.entries()]
      .filter(([, visitors]) => visitors > 0)
      .sort((a, b) => a[0] - b[0]);
    return {
      period,
      periods,
      cohorts: cohorts.map(([index, visitors]) => ({
        cohort: buckets[index],
        new_visitors: visitors,
      })),
      retention: cohorts.flatMap(([index, visitors]) => {
        const later = Math.min(periods, buckets.length - 1 - index);
        return Array.from({ length: later }, (_, i) => {
          const k = i + 1;
          const back = returned.get(`${index}:${k}`) ?? 0;
          return {
            cohort: buckets[index],
            period: k,
            date: buckets[index + k],
            returning_visitors: back,
            returning_pct: percent(back, visitors),
          };
        });
      }),
    };
  }

  /** The session sums of the window: in total, and per day with sessions (day order). */
  private async sessionSums(projectId: number, range: AnalyticsRange) {
    const rows = await this.rollups.rows(rollupWindow(projectId, SESSION_DAY, range));
    const total = emptySums('');
    const days = new Map<string, SessionSums>();
    for (const row of rows) {
      const name = row.labels[0] as SessionSum;
      let day = days.get(row.day);
      if (!day) days.set(row.day, (day = emptySums(row.day)));
      const field = SUM_FIELDS[name];
      day[field] += row.pageviews;
      total[field] += row.pageviews;
    }
    return {
      total,
      days: [...days.values()]
        .filter((d) => d.sessions > 0)
        .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)),
    };
  }

  /** `sum ÷ count` as the engine's AVG over integers gives it (MariaDB keeps 4 decimals). */
  private average(total: number, count: number): number {
    if (count <= 0) return 0;
    return this.sql.dialect.engine === 'mysql' ? round(total / count, 4) : total / count;
  }

  async pages(projectId: number, range: AnalyticsRange, limit: number) {
    const w = breakdownWindow(projectId, ROLLUP_DIMENSIONS.page.name, range);
    const groups = await this.rollups.grouped(w, 2, ['l0', 'l1'], limit);
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
    const w = breakdownWindow(projectId, ROLLUP_DIMENSIONS.device.name, range);
    const [types, osBrowser] = await Promise.all([
      this.rollups.grouped(w, 1, ['l0']),
      this.rollups.grouped(
        breakdownWindow(projectId, ROLLUP_DIMENSIONS.osBrowser.name, range),
        2,
        [],
      ),
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
    const w = breakdownWindow(projectId, ROLLUP_DIMENSIONS.country.name, range);
    const [countries, places] = await Promise.all([
      this.rollups.grouped(w, 2, ['l1']),
      this.rollups.grouped(breakdownWindow(projectId, ROLLUP_DIMENSIONS.place.name, range), 4, []),
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
    const w = breakdownWindow(projectId, ROLLUP_DIMENSIONS.referrer.name, range);
    const [categories, top] = await Promise.all([
      this.rollups.grouped(w, 1, ['l0']),
      this.rollups.grouped(
        breakdownWindow(projectId, ROLLUP_DIMENSIONS.referrerUrl.name, range),
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
    const w = breakdownWindow(projectId, ROLLUP_DIMENSIONS.utm.name, range);
    const groups = await this.rollups.grouped(w, 3, ['l0', 'l1', 'l2']);
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
    const rows = await this.rollups.memberLists(w, [...new Set(keys)]);
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

/** The rollup rows of one project and dimension over the range's local days. */
export const rollupWindow = (
  projectId: number,
  dimension: string,
  range: AnalyticsRange,
): RollupWindow => ({
  projectId,
  dimension,
  fromDay: range.fromDate,
  toDay: range.toDate,
});

/** A breakdown's window: summed over, so whole weeks come from the week rows. */
const breakdownWindow = (
  projectId: number,
  dimension: string,
  range: AnalyticsRange,
): RollupWindow => ({ ...rollupWindow(projectId, dimension, range), weeks: true });

const byDay = (rows: StoredRollup[]): StoredRollup[] =>
  rows.filter((r) => r.pageviews > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

const sum = (rows: StoredRollup[]): number => rows.reduce((total, r) => total + r.pageviews, 0);
