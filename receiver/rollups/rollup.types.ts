/**
 * The windows the rollup reader reads and the gate days the gates repository enters, apart from
 * them: rollup-weeks.ts computes both, and the reader imports rollup-weeks.ts.
 */

/** Days `[fromDay, toDay]` of one project and dimension. */
export interface RollupWindow {
  projectId: number;
  dimension: string;
  fromDay: string;
  toDay: string;
  /**
   * Read whole weeks from the week rows where the dimension has them (see rollup-weeks.ts): for
   * reads that sum over the window. Rows then come per week, not per day.
   */
  weeks?: boolean;
}

/** A project's local day, as its rollup gate names it (see `RollupGatesRepository.enterDays`). */
export interface GateDay {
  projectId: number;
  day: string;
}
