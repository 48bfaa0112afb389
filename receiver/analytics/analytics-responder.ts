import { Injectable } from '@nestjs/common';
import { AnalyticsCache } from '../cache/analytics-cache.service';
import type { AnalyticsAnswer } from './analytics-answer';
import { ReceiverStats } from '../common/stats/receiver-stats';
import { CsvExporter } from './csv/csv-exporter';
import { NotFoundError } from '../common/errors/receiver.errors';
import type { CsvRequest } from './csv/csv-requested.decorator';
import type { AnalyticsRange } from './range/analytics-range.interface';
import { withReturningKnown } from './returning-known';

/**
 * The one row an answer is about (an error group, a link), for {@link AnalyticsResponder.respondAbout}.
 * Every change that deletes or edits such a row drops its cached answers (`AnalyticsCache`
 * invalidations: error status, link edit and delete, project purge and deletion, erasure).
 */
export interface AnswerSubject<S> {
  /** Key of the answer this request asks for. */
  key: string;
  /** The row, or `undefined` when the project has none by that id or code. */
  find(): Promise<S | undefined>;
  /** Key the answer is stored under: the one the row's invalidation drops. */
  keyOf(subject: S): string;
  /** Drops the row's cached answers. */
  forget(subject: S): Promise<void>;
  /** Message of the 404 when the row does not exist. */
  notFound: string;
}

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
    return this.formatted(message, json, format);
  }

  /**
   * {@link respond} for an answer about one row that can be deleted (contract 2.5.11, 2.5.14:
   * an unknown group or link is a 404). A cached answer exists only while its row does, since
   * deleting the row drops it, so a hit is sent without looking the row up: no database round
   * trip on the hit path. A miss looks the row up, answers 404 when it is gone, and computes. A
   * deletion committed while the answer was computed may have dropped the cache before the answer
   * was stored: the row is looked up once more after storing, and its answers dropped if it went.
   */
  async respondAbout<S>(
    message: string,
    range: AnalyticsRange,
    subject: AnswerSubject<S>,
    ttlSeconds: number,
    format: AnswerFormat,
    compute: (row: S) => Promise<object>,
  ): Promise<AnalyticsAnswer | string> {
    const cached = await this.cache.getJson(subject.key);
    if (cached !== undefined) {
      this.stats.cacheLookup(true);
      return this.formatted(message, cached, format);
    }
    const row = await subject.find();
    if (row === undefined) throw new NotFoundError(subject.notFound);
    const answer = await this.respond(message, range, subject.keyOf(row), ttlSeconds, format, () =>
      compute(row),
    );
    if ((await subject.find()) === undefined) await subject.forget(row);
    return answer;
  }

  private formatted(message: string, json: string, format: AnswerFormat): AnalyticsAnswer | string {
    const answer = withReturningKnown(
      format.cookieless ?? false,
      `{"success":true,"message":${JSON.stringify(message)},"data":${json}}`,
    );
    return format.csv ? this.csv.toFile(format.csv, answer) : answer;
  }
}
