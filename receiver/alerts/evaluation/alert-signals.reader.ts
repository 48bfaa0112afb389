import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ErrorEventEntity } from '../../storage/entities/error-event.entity';
import type { ErrorSeverity } from '../../storage/entities/error-group.entity';
import { PageviewEntity } from '../../storage/entities/pageview.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';

/**
 * The figures time-based rules look at in the tracking tables — error counts, pageviews per hour —
 * read-only, through the indexes the tables have for analytics. (Hosts' last reports and runs of
 * telemetry values are the telemetry domain's: `TelemetryValuesReader`.)
 */
@Injectable()
export class AlertSignalsReader {
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** Error occurrences (coalesced repeats counted) of the project in `[from, to)`, of one group and/or severity when given. */
  async errorCount(
    projectId: number,
    from: number,
    to: number,
    filter: { groupId?: number; severity?: ErrorSeverity },
  ): Promise<number> {
    const row = await this.sql.row<{ n: unknown }>(
      (p) =>
        `SELECT COALESCE(SUM(occurrences), 0) AS n FROM ${this.sql.table(ErrorEventEntity)} WHERE project_id = ${p.add(projectId)} ` +
        `AND created_at >= ${p.instant(from)} AND created_at < ${p.instant(to)}` +
        (filter.groupId !== undefined ? ` AND group_id = ${p.add(filter.groupId)}` : '') +
        (filter.severity !== undefined ? ` AND severity = ${p.add(filter.severity)}` : ''),
    );
    return Number(row.n);
  }

  /** Pageviews of the project in `[from, to)`. */
  async pageviews(projectId: number, from: number, to: number): Promise<number> {
    const row = await this.sql.row<{ n: unknown }>(
      (p) =>
        `SELECT COUNT(*) AS n FROM ${this.sql.table(PageviewEntity)} WHERE project_id = ${p.add(projectId)} ` +
        `AND created_at >= ${p.instant(from)} AND created_at < ${p.instant(to)}`,
    );
    return Number(row.n);
  }
}
