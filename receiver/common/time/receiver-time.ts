import { Injectable } from '@nestjs/common';
import { instantOf } from '../../storage/sql/sql-values';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

function parts(date: Date, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(date)) out[part.type] = part.value;
  return out;
}

/**
 * The UTC instant of a calendar date and time, for any year as written. `Date.UTC` reads the
 * years 0–99 as 1900–1999, so a custom range of `0001-01-01` became 1901 (and was refused as no
 * real date).
 */
export function utcInstant(
  year: number,
  monthIndex: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
}

/** `YYYY-MM-DD` of a UTC instant, the year padded to four digits (`toISOString` writes `+010000`). */
export function utcDate(instantMs: number): string {
  const date = new Date(instantMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in a time zone (the contract's timestamp format). */
export function formatDateTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year.padStart(4, '0')}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYY-MM-DD` of an instant in a time zone (the contract's day buckets). */
export function formatDate(date: Date, timeZone: string): string {
  return formatDateTime(date, timeZone).slice(0, 10);
}

/** Offset of a time zone from UTC at an instant, in minutes (e.g. +330 for Asia/Kolkata). */
export function zoneOffsetMinutes(date: Date, timeZone: string): number {
  const p = parts(date, timeZone);
  const asUtc = utcInstant(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant of a wall-clock time (`YYYY-MM-DD HH:MM:SS`) in a time zone — what range
 * bounds such as "today 00:00:00" become before they are compared with stored UTC timestamps.
 */
export function zonedToUtc(local: string, timeZone: string): Date {
  const [datePart, timePart = '00:00:00'] = local.split(' ');
  const [y, m, d] = datePart.split('-').map(Number);
  const [hh, mm, ss] = timePart.split(':').map(Number);
  const guess = utcInstant(y, m - 1, d, hh, mm, ss);
  // Two passes settle the offset across DST transitions.
  let instant = guess - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  instant = guess - zoneOffsetMinutes(new Date(instant), timeZone) * 60_000;
  return new Date(instant);
}

/** A stored timestamp as the contract writes it: `YYYY-MM-DD HH:MM:SS` in the receiver's zone. */
export const localTimestamp = (value: unknown, timeZone: string): string =>
  formatDateTime(instantOf(value), timeZone);

/**
 * The receiver's notion of "now" where the calendar matters (the daily salts of cookieless mode
 * and the arrival time of pageviews). One injectable, so a test can move time forward by a day
 * without waiting for one.
 */
@Injectable()
export class ReceiverClock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
