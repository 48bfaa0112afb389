import type { AnalyticsDialect } from './analytics-dialect';

/**
 * Collects bound values while a statement is written, and hands out the matching placeholder
 * (`$1, $2 …` on PostgreSQL, `?` elsewhere), so user input never reaches SQL text.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: AnalyticsDialect) {}

  /** Binds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }

  /** Binds a UTC instant in the `YYYY-MM-DD HH:MM:SS.mmm` form every engine compares correctly. */
  instant(ms: number): string {
    return this.add(this.dialect.instantParam(ms));
  }
}
