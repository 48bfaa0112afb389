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

/** Most samples one series read returns. */
export const SERIES_LIMIT = 100_000;

/**
 * Numeric telemetry values of approved hosts, for the exporters (Prometheus, Grafana): only
 * values that are finite numbers; pending hosts are left out until an admin approves them.
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
}
