import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { dialectOf } from '../../storage/dialect';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import type { AnalyticsRange } from '../range/analytics-range.interface';
import { offsetSegments } from '../range/zoned-time.util';
import { analyticsDialect, type AnalyticsDialect } from './analytics-dialect';
import { SqlParams } from './sql-params';

/** Writes one statement: receives the parameter collector, returns the SQL text. */
export type SqlBuilder = (params: SqlParams) => string;

/**
 * Runs the analytics statements on the receiver's data source and gives them the dialect
 * helpers they need (window filter, local day, durations).
 */
@Injectable()
export class AnalyticsSql {
  readonly dialect: AnalyticsDialect;

  constructor(@InjectReceiverDataSource() private readonly dataSource: DataSource) {
    this.dialect = analyticsDialect(dialectOf(dataSource));
  }

  /** Rows of one statement, as the driver returns them. */
  async rows<T = Record<string, unknown>>(build: SqlBuilder): Promise<T[]> {
    const params = new SqlParams(this.dialect);
    const sql = build(params);
    return (await this.dataSource.query(sql, params.values)) as T[];
  }

  /** First row of one statement (aggregates always return one). */
  async row<T = Record<string, unknown>>(build: SqlBuilder): Promise<T> {
    const [first] = await this.rows<T>(build);
    return first;
  }

  /** `column` within the range: `[from 00:00:00, to 23:59:59]` local, as UTC instants. */
  within(column: string, range: AnalyticsRange, params: SqlParams): string {
    return `${column} >= ${params.instant(range.startMs)} AND ${column} < ${params.instant(range.endMs)}`;
  }

  /** Local `YYYY-MM-DD` of `column` in the range's timezone. */
  day(column: string, range: AnalyticsRange, params: SqlParams): string {
    const segments = offsetSegments(range.startMs, range.endMs, range.timeZone);
    return this.dialect.localDay(column, segments, params);
  }
}
