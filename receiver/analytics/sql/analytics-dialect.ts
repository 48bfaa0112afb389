import type { SqlDialect } from '../../storage/dialect';
import type { OffsetSegment } from '../range/zoned-time.util';
import type { SqlParams } from './sql-params';

/**
 * Everything the analytics SQL does differently per engine, in one place. Stored timestamps are
 * UTC; local days are derived from the UTC offsets in force (computed in JS from the IANA zone),
 * because SQLite has no timezone database and MariaDB often has none loaded.
 */
export interface AnalyticsDialect {
  readonly engine: SqlDialect;
  /** Placeholder of the n-th (1-based) bound value. */
  placeholder(index: number): string;
  /** A UTC instant in the form the engine compares with its stored timestamps. */
  instantParam(ms: number): string;
  /** SQL yielding the local `YYYY-MM-DD` of `column` given the offsets in force. */
  localDay(column: string, segments: readonly OffsetSegment[], params: SqlParams): string;
  /** SQL yielding `later − earlier` in whole seconds. */
  secondsBetween(earlier: string, later: string): string;
  /**
   * SQL matching a link code case-insensitively through the unique index the schema has for it
   * (`LOWER(code)`, or the stored `code_ci` column on MySQL/MariaDB).
   */
  codeEquals(alias: string, placeholder: string): string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function utcText(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/**
 * The offset (minutes) of each row: a literal when the window has one offset, else a CASE over
 * the few DST segments — bounded work per row, no per-day CASE.
 */
function offsetMinutesSql(
  column: string,
  segments: readonly OffsetSegment[],
  params: SqlParams,
): string {
  if (segments.length === 1) return String(segments[0].offsetMinutes);
  const branches = segments
    .slice(1)
    .map(
      (segment, i) =>
        `WHEN ${column} < ${params.instant(segment.startMs)} THEN ${segments[i].offsetMinutes}`,
    )
    .join(' ');
  return `(CASE ${branches} ELSE ${segments[segments.length - 1].offsetMinutes} END)`;
}

const sqlite: AnalyticsDialect = {
  engine: 'sqlite',
  placeholder: () => '?',
  instantParam: utcText,
  localDay: (column, segments, params) => {
    // One offset (no DST change in the window): a constant modifier, parsed once per statement.
    if (segments.length === 1) {
      const minutes = segments[0].offsetMinutes;
      return `date(${column}, '${minutes >= 0 ? '+' : ''}${minutes} minutes')`;
    }
    return `date(${column}, ${offsetMinutesSql(column, segments, params)} || ' minutes')`;
  },
  secondsBetween: (earlier, later) =>
    `CAST(ROUND((julianday(${later}) - julianday(${earlier})) * 86400) AS INTEGER)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
};

const postgres: AnalyticsDialect = {
  engine: 'postgres',
  placeholder: (index) => `$${index}`,
  instantParam: utcText,
  localDay: (column, segments, params) => {
    const offset = offsetMinutesSql(column, segments, params);
    return `to_char(${column} + ${offset} * interval '1 minute', 'YYYY-MM-DD')`;
  },
  secondsBetween: (earlier, later) => `CAST(EXTRACT(EPOCH FROM (${later} - ${earlier})) AS BIGINT)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
};

const mysql: AnalyticsDialect = {
  engine: 'mysql',
  placeholder: () => '?',
  instantParam: utcText,
  localDay: (column, segments, params) => {
    const offset = offsetMinutesSql(column, segments, params);
    return `DATE_FORMAT(DATE_ADD(${column}, INTERVAL ${offset} MINUTE), '%Y-%m-%d')`;
  },
  secondsBetween: (earlier, later) => `TIMESTAMPDIFF(SECOND, ${earlier}, ${later})`,
  codeEquals: (alias, placeholder) => `${alias}.code_ci = LOWER(${placeholder})`,
};

const DIALECTS: Record<SqlDialect, AnalyticsDialect> = { sqlite, postgres, mysql };

/** The analytics SQL of one of the receiver's dialects (see `dialectOf` in storage). */
export function analyticsDialect(dialect: SqlDialect): AnalyticsDialect {
  return DIALECTS[dialect];
}
