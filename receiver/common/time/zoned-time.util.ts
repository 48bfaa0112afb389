/**
 * Calendar arithmetic for analytics windows. The receiver stores instants in UTC and answers in
 * its configured zone: "today" and the UTC bounds of every local day are computed here (on top
 * of the receiver's time helpers) and handed to SQL as plain instants, so no engine needs a
 * timezone database (SQLite has none, MariaDB often has none loaded).
 */

import { formatDate, utcDate, utcInstant, zonedToUtc } from './receiver-time';

/** The last local day {@link localDateOf} answered, per zone: most calls fall inside it. */
const currentDay = new Map<string, LocalDay>();

/**
 * `YYYY-MM-DD` of the local calendar day containing `instantMs`. Every analytics request asks
 * for "today", and `Intl` formatting costs tens of microseconds a call: an instant inside the day
 * found last time is answered from its bounds.
 */
export function localDateOf(instantMs: number, timeZone: string): string {
  const known = currentDay.get(timeZone);
  if (known && instantMs >= known.startMs && instantMs < known.endMs) return known.day;
  const day = formatDate(new Date(instantMs), timeZone);
  const bounds = {
    day,
    startMs: startOfLocalDay(day, timeZone),
    endMs: startOfLocalDay(addDays(day, 1), timeZone),
  };
  // Kept only when the bounds agree with the formatter (a zone whose midnight is skipped by a
  // DST change would not): the shortcut must never answer differently.
  if (
    instantMs >= bounds.startMs &&
    instantMs < bounds.endMs &&
    formatDate(new Date(bounds.startMs), timeZone) === day &&
    formatDate(new Date(bounds.endMs - 1), timeZone) === day
  ) {
    currentDay.set(timeZone, bounds);
  }
  return day;
}

const START_MEMO_LIMIT = 4_096;
const startMemo = new Map<string, number>();

/**
 * The UTC instant at which local day `ymd` (`YYYY-MM-DD`) begins in `timeZone`. Memoised (a
 * day's start never changes): each range parse asks for two of them.
 */
export function startOfLocalDay(ymd: string, timeZone: string): number {
  const memoKey = `${timeZone}|${ymd}`;
  const known = startMemo.get(memoKey);
  if (known !== undefined) return known;
  const start = zonedToUtc(`${ymd} 00:00:00`, timeZone).getTime();
  if (startMemo.size >= START_MEMO_LIMIT) startMemo.clear();
  startMemo.set(memoKey, start);
  return start;
}

/** `ymd` moved by `days` calendar days. */
export function addDays(ymd: string, days: number): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return utcDate(utcInstant(y, m - 1, d + days));
}

/** Whole calendar days from `fromYmd` to `toYmd` (negative when `to` is earlier). */
export function daysBetween(fromYmd: string, toYmd: string): number {
  const parse = (ymd: string) => {
    const [y, m, d] = ymd.split('-').map(Number);
    return utcInstant(y, m - 1, d);
  };
  return Math.round((parse(toYmd) - parse(fromYmd)) / 86_400_000);
}

/** One local calendar day of a window, as UTC instants. */
export interface LocalDay {
  /** `YYYY-MM-DD` */
  day: string;
  /** First instant of the day (inclusive). */
  startMs: number;
  /** First instant of the next day (exclusive). */
  endMs: number;
}

const DAY_MEMO_LIMIT = 64;
const dayMemo = new Map<string, LocalDay[]>();

/**
 * Every local day from `fromYmd` to `toYmd` with its UTC bounds (23, 24 or 25 hours long around
 * DST changes). Memoised: all requests of a day ask for the same windows.
 */
export function localDays(fromYmd: string, toYmd: string, timeZone: string): LocalDay[] {
  const memoKey = `${timeZone}|${fromYmd}|${toYmd}`;
  const known = dayMemo.get(memoKey);
  if (known) return known;
  const days: LocalDay[] = [];
  let startMs = startOfLocalDay(fromYmd, timeZone);
  for (let day = fromYmd; daysBetween(day, toYmd) >= 0; day = addDays(day, 1)) {
    const endMs = startOfLocalDay(addDays(day, 1), timeZone);
    days.push({ day, startMs, endMs });
    startMs = endMs;
  }
  if (dayMemo.size >= DAY_MEMO_LIMIT) dayMemo.clear();
  dayMemo.set(memoKey, days);
  return days;
}
