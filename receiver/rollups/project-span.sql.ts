import type { SqlParams } from '../storage/sql/sql-params';

/**
 * The condition "rows of one project whose `column` instant is in `[startMs, endMs)`", the span a
 * rebuild or a purge reads (a local day, or part of one). `column` may carry a table alias.
 */
export const projectSpan =
  (column: string, projectId: number, startMs: number, endMs: number) =>
  (p: SqlParams): string => {
    const alias = column.includes('.') ? `${column.slice(0, column.indexOf('.'))}.` : '';
    return (
      `${alias}project_id = ${p.add(projectId)} AND ${column} >= ${p.instant(startMs)} ` +
      `AND ${column} < ${p.instant(endMs)}`
    );
  };
