import { ANALYTICS_MESSAGES } from '../analytics.messages';
import type { AnalyticsRange } from './analytics-range.interface';
import {
  addDays,
  daysBetween,
  localDateOf,
  startOfLocalDay,
} from '../../common/time/zoned-time.util';
import { InvalidInputError } from '../../common/errors/receiver.errors';
import { utcDate, utcInstant } from '../../common/time/receiver-time';

/** `range` when the query has none (contract 1.11). */
export const DEFAULT_RANGE = '30d';
/** `range=Nd` is clamped to 1 … 365. */
export const MIN_RANGE_DAYS = 1;
export const MAX_RANGE_DAYS = 365;
/** `to − from` of a custom range may be at most this many days (a 366-date inclusive span). */
export const MAX_CUSTOM_SPAN_DAYS = 365;

/** The three query parameters, already coerced to single strings (absent = `undefined`). */
export interface RangeQuery {
  range?: string;
  from?: string;
  to?: string;
}

const bad = (message: string) => new InvalidInputError(message);

const FIRST_INSTANT_OF_YEAR_ONE = utcInstant(1, 0, 1);

const STRICT_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses `range` / `from` / `to` exactly as contract 1.11 says, except that custom dates must be
 * real calendar dates written `YYYY-MM-DD` (the original also accepted `2026-2-30`).
 *
 * @param nowMs the current instant; "today" is its local date in `timeZone`.
 * @throws InvalidInputError (400) with the contract's message for a bad custom range.
 */
export function parseAnalyticsRange(
  query: RangeQuery,
  timeZone: string,
  nowMs: number = Date.now(),
): AnalyticsRange {
  // Dashboards repeat the same few ranges all day: a parse is answered from the memo while
  // "today" stays the same day (the cached-answer path must stay cheap). Errors are not kept.
  const today = localDateOf(nowMs, timeZone);
  // JSON keeps an absent parameter apart from the text "undefined".
  const memoKey = JSON.stringify([timeZone, today, query.range, query.from, query.to]);
  const known = parsed.get(memoKey);
  if (known) return known;
  const range = parseUncached(query, timeZone, nowMs);
  if (parsed.size >= PARSED_MEMO_LIMIT) parsed.clear();
  parsed.set(memoKey, range);
  return range;
}

const PARSED_MEMO_LIMIT = 1_024;
const parsed = new Map<string, AnalyticsRange>();

function parseUncached(query: RangeQuery, timeZone: string, nowMs: number): AnalyticsRange {
  const range = query.range ?? DEFAULT_RANGE;
  let fromDate: string;
  let toDate: string;
  if (range === 'custom') {
    fromDate = strictDate(query.from);
    toDate = strictDate(query.to);
    const span = daysBetween(fromDate, toDate);
    if (span < 0) throw bad(ANALYTICS_MESSAGES.fromAfterTo);
    if (span > MAX_CUSTOM_SPAN_DAYS) throw bad(ANALYTICS_MESSAGES.rangeTooLong);
  } else {
    toDate = localDateOf(nowMs, timeZone);
    fromDate = addDays(toDate, -rangeDays(range));
  }
  // 0001-01-01 00:00 east of UTC is still 1 BC in UTC, a year PostgreSQL refuses; nothing is
  // stored that early, so the window may start at the first instant of year 1 instead.
  const startMs = Math.max(startOfLocalDay(fromDate, timeZone), FIRST_INSTANT_OF_YEAR_ONE);
  const endMs = startOfLocalDay(addDays(toDate, 1), timeZone);
  // Frozen: one parsed range is shared by every request that asks for it.
  return Object.freeze({
    fromDate,
    toDate,
    label: Object.freeze({ from: `${fromDate} 00:00:00`, to: `${toDate} 23:59:59` }),
    startMs,
    endMs,
    timeZone,
  });
}

/**
 * `N` of `range=Nd`: every character except digits, `+` and `-` is dropped, the rest is read the
 * way PHP's `intval` reads it (leading sign and digits; anything else is 0), then clamped.
 */
export function rangeDays(range: string): number {
  const cleaned = range.replace(/[^0-9+-]/g, '');
  const leading = /^[+-]?\d+/.exec(cleaned);
  const n = leading ? Number.parseInt(leading[0], 10) : 0;
  return Math.min(MAX_RANGE_DAYS, Math.max(MIN_RANGE_DAYS, n));
}

function strictDate(value: string | undefined): string {
  const match = value === undefined ? null : STRICT_DATE.exec(value);
  if (!match) throw bad(ANALYTICS_MESSAGES.invalidDateFormat);
  const [, y, m, d] = match.map(Number);
  // 2026-02-30 rolls over to March; a real date survives the round trip. The Gregorian calendar
  // has no year 0 (PHP's checkdate refuses it too).
  if (y === 0 || utcDate(utcInstant(y, m - 1, d)) !== value) {
    throw bad(ANALYTICS_MESSAGES.invalidDateFormat);
  }
  return value as string;
}
