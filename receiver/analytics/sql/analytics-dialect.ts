import type { SqlDialect } from '../../storage/dialect';

/**
 * Everything the analytics SQL does differently per engine, in one place. (Local days need no
 * entry: their UTC bounds are computed in JS and every engine compares plain instants.)
 */
export interface AnalyticsDialect {
  readonly engine: SqlDialect;
  /** Placeholder of the n-th (1-based) bound value. */
  placeholder(index: number): string;
  /** A UTC instant in the form the engine compares with its stored timestamps. */
  instantParam(ms: number): string;
  /** SQL yielding `later − earlier` in whole seconds. */
  secondsBetween(earlier: string, later: string): string;
  /**
   * SQL matching a link code case-insensitively through the unique index the schema has for it
   * (`LOWER(code)`, or the stored `code_ci` column on MySQL/MariaDB).
   */
  codeEquals(alias: string, placeholder: string): string;
  /**
   * Join keyword that keeps the fact table (written first) as the outer loop. SQLite's planner
   * otherwise loops over the small dimension table and probes the facts by dimension id, 4×
   * slower on a month of pageviews; `CROSS JOIN` fixes the order there (and only there: it
   * takes no ON clause on PostgreSQL, whose planner needs no help).
   */
  readonly factJoin: string;
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

const sqlite: AnalyticsDialect = {
  engine: 'sqlite',
  placeholder: () => '?',
  instantParam: utcText,
  secondsBetween: (earlier, later) =>
    `CAST(ROUND((julianday(${later}) - julianday(${earlier})) * 86400) AS INTEGER)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
  factJoin: 'CROSS JOIN',
};

const postgres: AnalyticsDialect = {
  engine: 'postgres',
  placeholder: (index) => `$${index}`,
  instantParam: utcText,
  secondsBetween: (earlier, later) => `CAST(EXTRACT(EPOCH FROM (${later} - ${earlier})) AS BIGINT)`,
  codeEquals: (alias, placeholder) => `LOWER(${alias}.code) = LOWER(${placeholder})`,
  factJoin: 'JOIN',
};

const mysql: AnalyticsDialect = {
  engine: 'mysql',
  placeholder: () => '?',
  instantParam: utcText,
  secondsBetween: (earlier, later) => `TIMESTAMPDIFF(SECOND, ${earlier}, ${later})`,
  codeEquals: (alias, placeholder) => `${alias}.code_ci = LOWER(${placeholder})`,
  factJoin: 'JOIN',
};

const DIALECTS: Record<SqlDialect, AnalyticsDialect> = { sqlite, postgres, mysql };

/** The analytics SQL of one of the receiver's dialects (see `dialectOf` in storage). */
export function analyticsDialect(dialect: SqlDialect): AnalyticsDialect {
  return DIALECTS[dialect];
}
