import { boundedMemo } from '../common/memo/bounded-memo';
import { addDays, daysBetween } from '../common/time/zoned-time.util';
import type { RollupDelta } from './rollup-batch';
import { ROLLUP_DIMENSIONS } from './rollup.dimensions';
import type { GateDay, RollupWindow } from './rollup.types';

/**
 * Week rows: the breakdown dimensions also keep one row per group and ISO week (Monday to Sunday
 * in local days), the sum of its day rows with the union of their member lists. A 30-day
 * breakdown then reads 4 weeks and a few days instead of 31 days of rows per group (pages: 500
 * groups × 31 days became 500 × 7). The ingest and the erasure add and take out week deltas as
 * they do day deltas; everything that recomputes a day from the raw rows (rebuild, purge,
 * import) derives its week again from the day rows (`deriveWeek`, rollup-maintenance.service.ts).
 */

/** The dimensions with week rows: those the breakdown endpoints read over many days. */
export const WEEKLY_DIMENSIONS: readonly string[] = [
  ROLLUP_DIMENSIONS.page,
  ROLLUP_DIMENSIONS.referrer,
  ROLLUP_DIMENSIONS.referrerUrl,
  ROLLUP_DIMENSIONS.utm,
  ROLLUP_DIMENSIONS.device,
  ROLLUP_DIMENSIONS.osBrowser,
  ROLLUP_DIMENSIONS.country,
  ROLLUP_DIMENSIONS.place,
].map((d) => d.name);
const WEEKLY_NAMES = new Set<string>(WEEKLY_DIMENSIONS);
/** Days whose Monday {@link weekOf} remembers (a rebuild walks many; a batch, one or two). */
const WEEK_MEMO_SIZE = 1_024;

/** The week rows' dimension of a day dimension (`page` → `page/wk`; at most 16 characters). */
export const weekDimension = (dimension: string): string => `${dimension}${WEEK_SUFFIX}`;
const WEEK_SUFFIX = '/wk';

/** Whether a stored dimension holds week rows. */
export const isWeekDimension = (dimension: string): boolean => dimension.endsWith(WEEK_SUFFIX);

/**
 * The Monday (`YYYY-MM-DD`) of a local day's ISO week: a week row's `day`. Remembered: each
 * ingest batch asks it for every week delta, of the same one or two days.
 */
export const weekOf = boundedMemo(WEEK_MEMO_SIZE, (day: string): string => {
  const [y, m, d] = day.split('-').map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
});

/**
 * The week deltas of day deltas: per week and group, the pageviews summed and the ids united
 * (a batch around midnight holds two days of one week). Deltas of other dimensions give none.
 */
export function weekDeltas(days: readonly RollupDelta[]): RollupDelta[] {
  const weeks = new Map<string, RollupDelta>();
  for (const delta of days) {
    if (!WEEKLY_NAMES.has(delta.dimension)) continue;
    const day = weekOf(delta.day);
    const key = `${delta.projectId}|${delta.dimension}|${day}|${delta.valueKey}`;
    const week = weeks.get(key);
    if (!week) {
      weeks.set(key, {
        ...delta,
        day,
        dimension: weekDimension(delta.dimension),
        members: delta.members ? new Set(delta.members) : null,
      });
      continue;
    }
    week.pageviews += delta.pageviews;
    if (delta.members) for (const id of delta.members) week.members?.add(id);
  }
  return [...weeks.values()];
}

/** Part of a window: days of one dimension (for week rows, the Mondays of its weeks). */
export interface WindowPart {
  dimension: string;
  fromDay: string;
  toDay: string;
}

/**
 * The stored rows covering a window: with `weeks` set on a dimension that has week rows, its
 * whole weeks from the week rows and the days before and after them from the day rows; else
 * the day rows.
 */
export function windowParts(window: RollupWindow): WindowPart[] {
  const { dimension, fromDay, toDay } = window;
  const whole: WindowPart[] = [{ dimension, fromDay, toDay }];
  if (!window.weeks || !WEEKLY_NAMES.has(dimension)) return whole;
  const start = weekOf(fromDay);
  const firstWeek = start === fromDay ? start : addDays(start, 7);
  const lastWeek = addDays(weekOf(addDays(toDay, 1)), -7);
  if (daysBetween(firstWeek, lastWeek) < 0) return whole;
  const parts: WindowPart[] = [];
  if (fromDay < firstWeek) parts.push({ dimension, fromDay, toDay: addDays(firstWeek, -1) });
  parts.push({ dimension: weekDimension(dimension), fromDay: firstWeek, toDay: lastWeek });
  const after = addDays(lastWeek, 7);
  if (after <= toDay) parts.push({ dimension, fromDay: after, toDay });
  return parts;
}

/**
 * The gates a recomputation of some days enters alone (`RollupGatesRepository.enterDays`): per
 * project, every day of each day's week. It writes the week rows again from all seven days'
 * rows, so a delta stored into any of them (a day row, or a week row, whose day is the Monday)
 * must either be read by it or wait for it.
 */
export function recomputedGates(projectIds: readonly number[], days: readonly string[]): GateDay[] {
  const mondays = [...new Set(days.map(weekOf))];
  return projectIds.flatMap((projectId) =>
    mondays.flatMap((monday) =>
      Array.from({ length: 7 }, (_, i) => ({ projectId, day: addDays(monday, i) })),
    ),
  );
}
