import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import type { SqlParams } from '../../storage/sql/sql-params';
import { avg, int, percent, round } from '../../storage/sql/sql-values';

type Row = Record<string, unknown>;

/** visitors, visitors-returning, sessions and pages (contract 2.5.1–2.5.4). */
@Injectable()
export class TrafficQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  async visitors(projectId: number, range: AnalyticsRange) {
    const [totals, sessions, days] = await Promise.all([
      this.sql.row(
        (p) => `SELECT COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
        FROM pageviews WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}`,
      ),
      this.sessionTotals(projectId, range),
      this.sql.perDay(
        range,
        (p, within) => `COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors
          FROM pageviews WHERE project_id = ${p.add(projectId)}
            AND ${within('created_at')}`,
        (row) => int(row.pageviews) > 0,
      ),
    ]);
    return {
      unique_visitors: int(totals.visitors),
      total_pageviews: int(totals.pageviews),
      total_sessions: int(sessions.total),
      bounce_rate: percent(int(sessions.bounced), int(sessions.total)),
      over_time: days.map((d) => ({
        date: String(d.day),
        pageviews: int(d.pageviews),
        unique_visitors: int(d.visitors),
      })),
    };
  }

  async returning(projectId: number, range: AnalyticsRange) {
    // A visitor is new when first seen inside the window, returning when first seen before it.
    const kinds = (p: SqlParams) => ({
      isNew: `v.first_seen >= ${p.instant(range.startMs)} AND v.first_seen < ${p.instant(range.endMs)}`,
      isReturning: `v.first_seen < ${p.instant(range.startMs)}`,
    });
    const [totals, days] = await Promise.all([
      this.sql.row((p) => {
        const k = kinds(p);
        return `SELECT SUM(CASE WHEN ${k.isNew} THEN 1 ELSE 0 END) AS new_visitors,
            SUM(CASE WHEN ${k.isReturning} THEN 1 ELSE 0 END) AS returning_visitors
          FROM visitors v WHERE v.id IN (SELECT pv.visitor_id FROM pageviews pv
            WHERE pv.project_id = ${p.add(projectId)} AND ${this.sql.within('pv.created_at', range, p)})`;
      }),
      this.sql.perDay(
        range,
        (p, within) => {
          const k = kinds(p);
          return `COUNT(*) AS pageviews,
            COUNT(DISTINCT CASE WHEN ${k.isNew} THEN pv.visitor_id END) AS new_visitors,
            COUNT(DISTINCT CASE WHEN ${k.isReturning} THEN pv.visitor_id END) AS returning_visitors
          FROM pageviews pv JOIN visitors v ON v.id = pv.visitor_id
          WHERE pv.project_id = ${p.add(projectId)} AND ${within('pv.created_at')}`;
        },
        (row) => int(row.pageviews) > 0,
      ),
    ]);
    const fresh = int(totals.new_visitors);
    const back = int(totals.returning_visitors);
    return {
      total_visitors: fresh + back,
      new_visitors: fresh,
      returning_visitors: back,
      new_pct: percent(fresh, fresh + back),
      returning_pct: percent(back, fresh + back),
      over_time: days.map((d) => ({
        date: String(d.day),
        new_visitors: int(d.new_visitors),
        returning_visitors: int(d.returning_visitors),
      })),
    };
  }

  async sessions(projectId: number, range: AnalyticsRange) {
    const [totals, pages, days] = await Promise.all([
      this.sessionTotals(projectId, range),
      this.sql.row(
        (p) => `SELECT COUNT(*) AS pageviews, COUNT(DISTINCT session_id) AS sessions
        FROM pageviews WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}`,
      ),
      this.sessionDays(projectId, range),
    ]);
    const sessionCount = int(pages.sessions);
    return {
      total_sessions: int(totals.total),
      bounce_rate: percent(int(totals.bounced), int(totals.total)),
      avg_duration_seconds: Math.round(avg(totals.avg_duration)),
      avg_duration_engaged: Math.round(avg(totals.avg_engaged)),
      avg_pages_per_session: sessionCount > 0 ? round(int(pages.pageviews) / sessionCount, 2) : 0,
      over_time: days,
    };
  }

  async pages(projectId: number, range: AnalyticsRange, limit: number) {
    const rows = await this.sql.rows(
      (p) => `SELECT url, page_title, COUNT(*) AS pageviews,
        COUNT(DISTINCT visitor_id) AS visitors
      FROM pageviews WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('created_at', range, p)}
      GROUP BY url, page_title ORDER BY pageviews DESC, url, page_title LIMIT ${p.add(limit)}`,
    );
    return {
      count: rows.length,
      pages: rows.map((r: Row) => ({
        url: String(r.url),
        page_title: String(r.page_title),
        pageviews: int(r.pageviews),
        unique_visitors: int(r.visitors),
      })),
    };
  }

  /** `over_time` of sessions: per day of `started_at`, sessions and their average duration. */
  async sessionDays(projectId: number, range: AnalyticsRange) {
    const duration = this.sql.dialect.secondsBetween('started_at', 'last_activity');
    const days = await this.sql.perDay(
      range,
      (p, within) => `COUNT(*) AS sessions, AVG(${duration}) AS avg_duration
          FROM sessions WHERE project_id = ${p.add(projectId)}
            AND ${within('started_at')}`,
      (row) => int(row.sessions) > 0,
    );
    return days.map((d) => ({
      date: String(d.day),
      sessions: int(d.sessions),
      avg_duration_seconds: Math.round(avg(d.avg_duration)),
    }));
  }

  /**
   * Bounce rate per day of `started_at` with sessions, each as {@link sessions} gives it for
   * that day alone (Grafana's `bounce_rate` series): one statement for the whole window.
   */
  async bounceDays(projectId: number, range: AnalyticsRange) {
    const days = await this.sql.perDay(
      range,
      (p, within) => `COUNT(*) AS sessions, SUM(CASE WHEN is_bounced THEN 1 ELSE 0 END) AS bounced
          FROM sessions WHERE project_id = ${p.add(projectId)} AND ${within('started_at')}`,
      (row) => int(row.sessions) > 0,
    );
    return days.map((d) => ({
      date: String(d.day),
      bounce_rate: percent(int(d.bounced), int(d.sessions)),
    }));
  }

  /** Sessions started in the window: count, bounced, average durations (all and engaged). */
  sessionTotals(projectId: number, range: AnalyticsRange): Promise<Row> {
    const duration = this.sql.dialect.secondsBetween('started_at', 'last_activity');
    return this.sql.row(
      (p) => `SELECT COUNT(*) AS total,
        SUM(CASE WHEN is_bounced THEN 1 ELSE 0 END) AS bounced,
        AVG(${duration}) AS avg_duration,
        AVG(CASE WHEN is_bounced THEN NULL ELSE ${duration} END) AS avg_engaged
      FROM sessions WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('started_at', range, p)}`,
    );
  }
}
