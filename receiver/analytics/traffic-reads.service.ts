import { Injectable } from '@nestjs/common';
import { BreakdownQueries } from './queries/breakdown.queries';
import { TrafficQueries } from './queries/traffic.queries';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { RollupQueries } from './queries/rollup.queries';
import { RetentionQueries, type RetentionPeriod } from './queries/retention.queries';
import { RollupStateService } from '../rollups/rollup-state.service';

/**
 * Where each traffic answer comes from: the rollups when they are complete in the window's time
 * zone (windows are whole local days, so every day is a rollup day), else the raw pageviews
 * (before `receiver rebuild-rollups` ran on existing data, during a rebuild, after a time-zone
 * change). Both give identical answers; the rollups cost days × values instead of pageviews.
 */
@Injectable()
export class TrafficReads {
  constructor(
    private readonly state: RollupStateService,
    private readonly rollups: RollupQueries,
    private readonly traffic: TrafficQueries,
    private readonly breakdowns: BreakdownQueries,
    private readonly retentionRaw: RetentionQueries,
  ) {}

  async visitors(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.visitors(projectId, range)
      : this.traffic.visitors(projectId, range);
  }

  async returning(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.returning(projectId, range)
      : this.traffic.returning(projectId, range);
  }

  async sessions(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.sessions(projectId, range)
      : this.traffic.sessions(projectId, range);
  }

  /** Bounce rate per day with sessions (Grafana's series; no endpoint of its own). */
  async bounceDays(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.bounceDays(projectId, range)
      : this.traffic.bounceDays(projectId, range);
  }

  async pages(projectId: number, range: AnalyticsRange, limit: number) {
    return (await this.fast(range))
      ? this.rollups.pages(projectId, range, limit)
      : this.traffic.pages(projectId, range, limit);
  }

  async devices(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.devices(projectId, range)
      : this.breakdowns.devices(projectId, range);
  }

  async locations(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.locations(projectId, range)
      : this.breakdowns.locations(projectId, range);
  }

  async referrers(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.referrers(projectId, range)
      : this.breakdowns.referrers(projectId, range);
  }

  async utm(projectId: number, range: AnalyticsRange) {
    return (await this.fast(range))
      ? this.rollups.utm(projectId, range)
      : this.breakdowns.utm(projectId, range);
  }

  async retention(
    projectId: number,
    range: AnalyticsRange,
    period: RetentionPeriod,
    periods: number,
  ) {
    return (await this.fast(range))
      ? this.rollups.retention(projectId, range, period, periods)
      : this.retentionRaw.retention(projectId, range, period, periods);
  }

  private async fast(range: AnalyticsRange): Promise<boolean> {
    return this.state.serves(range.timeZone);
  }
}
