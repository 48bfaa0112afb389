import type { SqlParams } from './sql-params';

/**
 * SQL giving the 0-based bucket of `column` among consecutive time buckets: `starts` are the
 * first instants (UTC ms, ascending) of buckets 1 … n−1, bucket 0 being everything before the
 * first of them. The comparison is a balanced `CASE` (a binary search: about log₂ n comparisons
 * per row, 9 for a year of days) on plain instants, so local days of any length (DST) stay exact
 * and every engine runs the same text. Rows outside the whole span must be filtered by the caller.
 */
export function bucketIndex(column: string, starts: readonly number[], params: SqlParams): string {
  const pick = (low: number, high: number): string => {
    // Buckets low … high remain; starts[i − 1] is where bucket i begins.
    if (low === high) return String(low);
    const middle = Math.ceil((low + high) / 2);
    // Template parts run left to right, so the `?` placeholders are bound in text order.
    return `CASE WHEN ${column} < ${params.instant(starts[middle - 1])} THEN ${pick(low, middle - 1)} ELSE ${pick(middle, high)} END`;
  };
  return pick(0, starts.length);
}
