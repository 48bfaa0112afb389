import { Injectable } from '@nestjs/common';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import { ReceiverStats } from '../common/stats/receiver-stats';
import { CsvExporter } from './csv/csv-exporter';
import type { CsvRequest } from './csv/csv-requested.decorator';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { withReturningKnown } from './returning-known';

/**
 * An analytics answer as the JSON text of its success envelope. A cache hit is sent as stored:
 * the envelope is built around the cached `data` text, never parsed and serialised again.
 * `@CsvExport` declares the JSON content type for the routes that return one.
 */
export type AnalyticsAnswer = string;

/** How one request wants its answer, beyond what is cached. */
export interface AnswerFormat {
  /** `format=csv` on a `@CsvExport` route (`@CsvRequested()`): one list as a CSV file. */
  csv: CsvRequest | undefined;
  /** A cookieless project's visitor answers say returning visitors are unknown. */
  cookieless?: boolean;
}

/**
 * The common tail of every analytics endpoint: cache-aside around the query, `data.range` first,
 * the success envelope (`{"success":true,"message":…,"data":…}`, exactly what serialising
 * `ok(message, data)` gives), then what the request asked of it (a CSV file, the cookieless flag).
 */
@Injectable()
export class AnalyticsResponder {
  constructor(
    private readonly cache: AnalyticsCache,
    private readonly stats: ReceiverStats,
    private readonly csv: CsvExporter,
  ) {}

  async respond(
    message: string,
    range: AnalyticsRange,
    cacheKey: string,
    ttlSeconds: number,
    format: AnswerFormat,
    compute: () => Promise<object>,
  ): Promise<AnalyticsAnswer | string> {
    const { json, hit } = await this.cache.rememberJson(cacheKey, ttlSeconds, async () => ({
      range: range.label,
      ...(await compute()),
    }));
    this.stats.cacheLookup(hit);
    const answer = withReturningKnown(
      format.cookieless ?? false,
      `{"success":true,"message":${JSON.stringify(message)},"data":${json}}`,
    );
    return format.csv ? this.csv.toFile(format.csv, answer) : answer;
  }
}
