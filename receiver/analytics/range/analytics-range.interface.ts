/** A parsed `range` / `from` / `to` (contract 1.11), resolved in the receiver's timezone. */
export interface AnalyticsRange {
  /** First local day, `YYYY-MM-DD`. */
  fromDate: string;
  /** Last local day, `YYYY-MM-DD` (inclusive). */
  toDate: string;
  /** What every response echoes as `data.range` and the cache keys carry. */
  label: { from: string; to: string };
  /** UTC instant of `fromDate 00:00:00` local (inclusive). */
  startMs: number;
  /** UTC instant of the local midnight after `toDate` (exclusive), i.e. just after 23:59:59. */
  endMs: number;
  /** The IANA timezone everything above is expressed in. */
  timeZone: string;
}
