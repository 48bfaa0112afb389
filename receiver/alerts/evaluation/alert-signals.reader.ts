import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ErrorEventEntity } from '../../storage/entities/error-event.entity';
import type { ErrorSeverity } from '../../storage/entities/error-group.entity';
import { PageviewEntity } from '../../storage/entities/pageview.entity';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';
import type { Comparison } from '../rules/alert-conditions';

/** SQL operator of each comparison (from a fixed list: never user text). */
const SQL_OPERATORS: Record<Comparison, string> = {
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  '==': '=',
  '!=': '<>',
};

/** When a host last reported. */
export interface HostSeen {
  id: number;
  host: string;
  lastSeen: Date;
}

/** A run of samples that meet a condition, up to the latest one. */
export interface ValueStreak {
  hostId: number;
  host: string;
  /** The first sample of the run (after the last one that did not meet it). */
  since: Date;
}

/**
 * The figures time-based rules look at — error counts, pageviews per hour, hosts' last reports,
 * runs of telemetry values — read-only, through the indexes the tables have for analytics.
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

  /** The project's hosts (or the one named) that last reported before `before`. */
  async silentHosts(projectId: number, before: number, host?: string): Promise<HostSeen[]> {
    const rows = await this.sql.rows<{ id: unknown; host: string; last_seen: unknown }>(
      (p) =>
        `SELECT id, host, last_seen FROM ${this.sql.table(TelemetryHostEntity)} ` +
        `WHERE project_id = ${p.add(projectId)} AND last_seen IS NOT NULL ` +
        `AND last_seen < ${p.instant(before)}` +
        (host !== undefined ? ` AND host = ${p.add(host)}` : ''),
    );
    return rows.map((row) => ({
      id: Number(row.id),
      host: row.host,
      lastSeen: this.sql.hydrate(TelemetryHostEntity, 'last_seen', row.last_seen) as Date,
    }));
  }

  /**
   * Per host of the project (or the one named), the current run of `key` samples meeting
   * `comparison value`: none for a host whose latest sample does not meet it.
   */
  async valueStreaks(
    projectId: number,
    key: string,
    comparison: Comparison,
    value: number,
    host?: string,
  ): Promise<ValueStreak[]> {
    const samples = this.sql.table(TelemetrySampleEntity);
    const hosts = this.sql.table(TelemetryHostEntity);
    const column = this.sql.escape('key');
    const op = SQL_OPERATORS[comparison];
    // The last sample that did not meet the condition (a non-number never does), per host; the
    // run is every later sample, all of which meet it.
    const rows = await this.sql.rows<{ host_id: unknown; host: string; since: unknown }>((p) => {
      const scope =
        `s.project_id = ${p.add(projectId)} AND s.${column} = ${p.add(key)}` +
        (host !== undefined ? ` AND h.host = ${p.add(host)}` : '');
      const miss = `(s2.numeric_value IS NULL OR NOT (s2.numeric_value ${op} ${p.add(value)}))`;
      return (
        `SELECT s.host_id, h.host, MIN(s.collected_at) AS since FROM ${samples} s ` +
        `JOIN ${hosts} h ON h.id = s.host_id WHERE ${scope} AND s.collected_at > COALESCE(` +
        `(SELECT MAX(s2.collected_at) FROM ${samples} s2 WHERE s2.host_id = s.host_id ` +
        `AND s2.${column} = s.${column} AND ${miss}), ${p.instant(0)}) GROUP BY s.host_id, h.host`
      );
    });
    return rows.map((row) => ({
      hostId: Number(row.host_id),
      host: row.host,
      since: this.sql.hydrate(TelemetrySampleEntity, 'collected_at', row.since) as Date,
    }));
  }
}
