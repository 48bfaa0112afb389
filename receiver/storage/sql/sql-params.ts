/** How an engine writes bound values: the part of its `SqlDialect` that {@link SqlParams} uses. */
export interface SqlBinding {
  /** Placeholder of the n-th (1-based) bound value. */
  placeholder(index: number): string;
  /** A UTC instant in the form the engine compares with its stored timestamps. */
  instantParam(ms: number): string;
}

/**
 * Collects bound values while a statement is written, and hands out the matching placeholder
 * (`$1, $2 …` on PostgreSQL, `?` elsewhere), so user input never reaches SQL text. The one
 * placeholder mechanism of the receiver, for reads and writes: placeholders follow the text
 * order, so a statement's text is the same for every call of the same shape (prepared once).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly dialect: SqlBinding) {}

  /** Binds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length);
  }

  /** Binds every value, returning `p1, p2, …` (for `IN (…)` and `VALUES (…)`). */
  list(values: readonly unknown[]): string {
    return values.map((value) => this.add(value)).join(', ');
  }

  /** Binds a UTC instant in the `YYYY-MM-DD HH:MM:SS.mmm` form every engine compares correctly. */
  instant(ms: number): string {
    return this.add(this.dialect.instantParam(ms));
  }
}
