import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TelemetryHostEntity } from '../../storage/entities/telemetry-host.entity';
import { TelemetryLatestEntity } from '../../storage/entities/telemetry-latest.entity';
import { TelemetrySampleEntity } from '../../storage/entities/telemetry-sample.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SqlRunner } from '../../storage/sql/sql-runner';
import { instantOf, json } from '../../storage/sql/sql-values';

/** The latest numeric value of one key of one host. */
export interface LatestNumber {
  projectId: number;
  host: string;
  key: string;
  value: number;
}

/** One numeric sample of a key. */
export interface NumericSample {
  at: Date;
  value: number;
}

/** How a run of values is compared with a threshold (alert rules of kind `telemetry_value`). */
export type ValueComparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** SQL operator of each comparison (from a fixed list: never user text). */
const SQL_OPERATORS: Record<ValueComparison, string> = {
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

/** Most samples one series read returns. */
export const SERIES_LIMIT = 100_000;

/**
 * Reads of telemetry values and hosts for other domains. For the exporters (Prometheus, Grafana):
 * numeric values of approved hosts only (pending hosts are left out until an admin approves them).
 * For alert rules: hosts that went silent, and runs of values meeting a threshold.
 */
@Injectable()
export class TelemetryValuesReader {
  private readonly sql: SqlRunner;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.sql = new SqlRunner(dataSource);
  }

  /** The latest numeric value of every key of every approved host (of one project, or all). */
  async latestNumbers(projectId?: number): Promise<LatestNumber[]> {
    const rows = await this.sql.rows((p) => {
      // Parameters are numbered in the order they are added: the status comes first in the text.
      const approved = p.add('approved');
      const project = projectId === undefined ? '' : `AND h.project_id = ${p.add(projectId)}`;
      return `SELECT h.project_id AS project_id, h.host AS host, l.${this.sql.escape('key')} AS k,
          l.value AS value
        FROM ${this.sql.table(TelemetryLatestEntity)} l
        JOIN ${this.sql.table(TelemetryHostEntity)} h ON h.id = l.host_id
        WHERE h.status = ${approved} ${project}
        ORDER BY h.project_id, h.host, k`;
    });
    const numbers: LatestNumber[] = [];
    for (const row of rows) {
      const value = json(row.value);
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      numbers.push({
        projectId: Number(row.project_id),
        host: String(row.host),
        key: String(row.k),
        value,
      });
    }
    return numbers;
  }

  /** Numeric samples of `host`/`key` collected in `[fromMs, toMs]`, oldest first. */
  async numericSeries(
    projectId: number,
    host: string,
    key: string,
    fromMs: number,
    toMs: number,
  ): Promise<NumericSample[]> {
    const rows = await this.sql.rows(
      (p) => `SELECT s.collected_at AS at, s.numeric_value AS value
        FROM ${this.sql.table(TelemetrySampleEntity)} s
        JOIN ${this.sql.table(TelemetryHostEntity)} h ON h.id = s.host_id
        WHERE h.project_id = ${p.add(projectId)} AND h.host = ${p.add(host)}
          AND h.status = ${p.add('approved')}
          AND s.${this.sql.escape('key')} = ${p.add(key)} AND s.numeric_value IS NOT NULL
          AND s.collected_at >= ${p.instant(fromMs)} AND s.collected_at <= ${p.instant(toMs)}
        ORDER BY s.collected_at LIMIT ${p.add(SERIES_LIMIT)}`,
    );
    return rows.map((row) => ({ at: instantOf(row.at), value: Number(row.value) }));
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
    comparison: ValueComparison,
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
