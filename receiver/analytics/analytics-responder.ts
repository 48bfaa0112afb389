import { Injectable } from '@nestjs/common';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import { ok, type Envelope } from '../common/envelope/envelope';
import { ReceiverStats } from '../common/stats/receiver-stats';
import type { AnalyticsRange } from './range/analytics-range.interface';

/**
 * The common tail of every analytics endpoint: cache-aside around the query, `data.range` first,
 * the success envelope.
 */
@Injectable()
export class AnalyticsResponder {
  constructor(
    private readonly cache: AnalyticsCache,
    private readonly stats: ReceiverStats,
  ) {}

  async respond<T extends object>(
    message: string,
    range: AnalyticsRange,
    cacheKey: string,
    ttlSeconds: number,
    compute: () => Promise<T>,
  ): Promise<Envelope<{ range: AnalyticsRange['label'] } & T>> {
    let computed = false;
    const data = await this.cache.remember(cacheKey, ttlSeconds, async () => {
      computed = true;
      return { range: range.label, ...(await compute()) };
    });
    this.stats.cacheLookup(!computed);
    return ok(message, data);
  }
}
