import { int, text } from '../../storage/sql/sql-values';

type Row = Record<string, unknown>;

/**
 * Sums the `pageviews` of fine-grained rows into coarser groups (the columns in `columns`), most
 * viewed first, ties by the group's values. Lets one scan of the window feed several breakdowns
 * (e.g. OS and browser from one GROUP BY os, browser) instead of one scan per breakdown.
 * `keep` drops rows before summing (e.g. empty regions).
 */
export function rollUp(
  rows: readonly Row[],
  columns: readonly string[],
  keep: (row: Row) => boolean = () => true,
): Array<Record<string, string | number>> {
  const groups = new Map<string, { values: string[]; pageviews: number }>();
  for (const row of rows) {
    if (!keep(row)) continue;
    const values = columns.map((column) => text(row[column]));
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, pageviews: 0 };
    group.pageviews += int(row.pageviews);
    groups.set(key, group);
  }
  return [...groups.values()]
    .sort((a, b) => b.pageviews - a.pageviews || compare(a.values, b.values))
    .map(({ values, pageviews }) => ({
      ...Object.fromEntries(columns.map((column, i) => [column, values[i]])),
      pageviews,
    }));
}

function compare(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}
