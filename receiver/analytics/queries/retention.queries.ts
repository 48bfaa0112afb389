import { Injectable } from '@nestjs/common';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { localDays } from '../../common/time/zoned-time.util';
import { AnalyticsSql } from '../sql/analytics-sql.service';
import { bucketIndex } from '../../storage/sql/sql-buckets';
import { int, percent } from '../../storage/sql/sql-values';

/** Cohort length: one local day, or seven. */
export type RetentionPeriod = 'day' | 'week';

export const RETENTION_PERIOD_DAYS: Readonly<Record<RetentionPeriod, number>> = {
  day: 1,
  week: 7,
};

/** One period of the range: its first local day and first instant. */
interface Bucket {
  date: string;
  startMs: number;
}

/**
 * Retention cohorts. The range is cut into periods from its first day on (the last one may be
 * shorter); a visitor belongs to the cohort of the period holding its `first_seen`, and "came back
 * in period k" means at least one pageview in the k-th period after its cohort's, inside the range.
 */
@Injectable()
export class RetentionQueries {
  constructor(private readonly sql: AnalyticsSql) {}

  async retention(
    projectId: number,
    range: AnalyticsRange,
    period: RetentionPeriod,
    periods: number,
  ) {
    const buckets = periodBuckets(range, RETENTION_PERIOD_DAYS[period]);
    const starts = buckets.slice(1).map((b) => b.startMs);
    const [sizes, returns] = await Promise.all([
      this.sql.rows((p) => {
        const cohort = bucketIndex('first_seen', starts, p);
        return `SELECT ${cohort} AS cohort, COUNT(*) AS visitors FROM visitors
          WHERE project_id = ${p.add(projectId)} AND ${this.sql.within('first_seen', range, p)}
          GROUP BY 1`;
      }),
      // Each visitor's active periods once (DISTINCT), then paired with its cohort.
      this.sql.rows((p) => {
        // Bound in text order (`?` placeholders are positional).
        const active = bucketIndex('pv.created_at', starts, p);
        const pageviewProject = p.add(projectId);
        const pageviewsWithin = this.sql.within('pv.created_at', range, p);
        const cohort = bucketIndex('v.first_seen', starts, p);
        const visitorProject = p.add(projectId);
        const visitorsWithin = this.sql.within('v.first_seen', range, p);
        const lastPeriod = p.add(periods);
        return `SELECT c.cohort AS cohort, a.bucket - c.cohort AS period, COUNT(*) AS visitors
          FROM (SELECT DISTINCT pv.visitor_id AS visitor_id, ${active} AS bucket
            FROM pageviews pv WHERE pv.project_id = ${pageviewProject} AND ${pageviewsWithin}) a
          JOIN (SELECT v.id AS id, ${cohort} AS cohort FROM visitors v
            WHERE v.project_id = ${visitorProject} AND ${visitorsWithin}) c ON c.id = a.visitor_id
          WHERE a.bucket > c.cohort AND a.bucket <= c.cohort + ${lastPeriod}
          GROUP BY c.cohort, a.bucket`;
      }),
    ]);
    const returned = new Map<string, number>();
    for (const row of returns)
      returned.set(`${int(row.cohort)}:${int(row.period)}`, int(row.visitors));
    const cohorts = sizes
      .map((row) => ({ index: int(row.cohort), visitors: int(row.visitors) }))
      .filter((c) => c.visitors > 0)
      .sort((a, b) => a.index - b.index);
    return {
      period,
      periods,
      cohorts: cohorts.map((c) => ({ cohort: buckets[c.index].date, new_visitors: c.visitors })),
      retention: cohorts.flatMap((c) => {
        const later = Math.min(periods, buckets.length - 1 - c.index);
        return Array.from({ length: later }, (_, i) => {
          const k = i + 1;
          const back = returned.get(`${c.index}:${k}`) ?? 0;
          return {
            cohort: buckets[c.index].date,
            period: k,
            date: buckets[c.index + k].date,
            returning_visitors: back,
            returning_pct: percent(back, c.visitors),
          };
        });
      }),
    };
  }
}

/** The range cut into periods of `days` local days, starting on its first day. */
function periodBuckets(range: AnalyticsRange, days: number): Bucket[] {
  return localDays(range.fromDate, range.toDate, range.timeZone)
    .filter((_, i) => i % days === 0)
    .map((d) => ({ date: d.day, startMs: d.startMs }));
}
