import { Injectable } from '@nestjs/common';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import { ReceiverStats } from '../common/stats/receiver-stats';
import type { AnalyticsRange } from './range/analytics-range.interface';

/**
 * An analytics answer as the JSON text of its success envelope. A cache hit is sent as stored:
 * the envelope is built around the cached `data` text, never parsed and serialised again.
 * `@CsvExport` declares the JSON content type for the routes that return one.
 */
export type AnalyticsAnswer = string;

/**
 * The common tail of every analytics endpoint: cache-aside around the query, `data.range` first,
 * the success envelope (`{"success":true,"message":…,"data":…}`, exactly what serialising
 * `ok(message, data)` gives).
 */
@Injectable()
export class AnalyticsResponder {
  constructor(
    private readonly cache: AnalyticsCache,
    private readonly stats: ReceiverStats,
  ) {}

  async respond(
    message: string,
    range: AnalyticsRange,
    cacheKey: string,
    ttlSeconds: number,
    compute: () => Promise<object>,
  ): Promise<AnalyticsAnswer> {
    const { json, hit } = await this.cache.rememberJson(cacheKey, ttlSeconds, async () => ({
      range: range.label,
      ...(await compute()),
    }));
    this.stats.cacheLookup(hit);
    return `{"success":true,"message":${JSON.stringify(message)},"data":${json}}`;
  }
}
