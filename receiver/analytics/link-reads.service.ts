import { Injectable } from '@nestjs/common';
import { LinkQueries } from './queries/link.queries';
import { LinkRollupQueries } from './queries/link-rollup.queries';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { RollupStateService } from '../rollups/rollup-state.service';

type Row = Record<string, unknown>;

/**
 * Where each link answer comes from: the rollups when they are complete in the window's time
 * zone (see TrafficReads), else the raw clicks. Both give identical answers.
 */
@Injectable()
export class LinkReads {
  constructor(
    private readonly state: RollupStateService,
    private readonly raw: LinkQueries,
    private readonly rollups: LinkRollupQueries,
  ) {}

  async links(projectId: number, range: AnalyticsRange) {
    return (await this.state.serves(range.timeZone))
      ? this.rollups.links(projectId, range)
      : this.raw.links(projectId, range);
  }

  /** The project's link with this code (matched case-insensitively), if any. */
  findLink(projectId: number, code: string): Promise<Row | undefined> {
    return this.raw.findLink(projectId, code);
  }

  /** Clicks per day (days with clicks, in day order) of one link, or of all the project's links. */
  async clicksPerDay(projectId: number, range: AnalyticsRange, linkId?: number) {
    return (await this.state.serves(range.timeZone))
      ? this.rollups.clicksPerDay(projectId, range, linkId)
      : this.raw.clicksPerDay(projectId, range, linkId);
  }

  async detail(link: Row, range: AnalyticsRange) {
    return (await this.state.serves(range.timeZone))
      ? this.rollups.detail(link, range)
      : this.raw.detail(link, range);
  }
}
