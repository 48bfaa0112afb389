/**
 * Calendar arithmetic in an IANA timezone with nothing but `Intl`: the receiver stores instants in
 * UTC and answers in its configured zone, so "today", day boundaries and day buckets are all
 * computed here (one place) and handed to SQL as UTC instants.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is a zone `Intl` knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `timeZone` at `instantMs`, expressed as if it were a UTC epoch. */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** UTC offset of `timeZone` at `instantMs`, in whole minutes (east of Greenwich positive). */
export function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return Math.round((wallClockMs(wholeSecond, timeZone) - wholeSecond) / 60_000);
}

/** `YYYY-MM-DD` of the local calendar day containing `instantMs`. */
export function localDateOf(instantMs: number, timeZone: string): string {
  return new Date(wallClockMs(instantMs, timeZone)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:MM:SS` local time of `instantMs` (the format of every response timestamp). */
export function localDateTimeOf(instantMs: number, timeZone: string): string {
  return new Date(wallClockMs(instantMs, timeZone)).toISOString().slice(0, 19).replace('T', ' ');
}

/** The UTC instant at which local day `ymd` (`YYYY-MM-DD`) begins in `timeZone`. */
export function startOfLocalDay(ymd: string, timeZone: string): number {
  const [y, m, d] = ymd.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  // Two passes settle the offset even when the day starts next to a DST change.
  let instant = wall - offsetMinutesAt(wall, timeZone) * 60_000;
  instant = wall - offsetMinutesAt(instant, timeZone) * 60_000;
  return instant;
}

/** `ymd` moved by `days` calendar days. */
export function addDays(ymd: string, days: number): string {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole calendar days from `fromYmd` to `toYmd` (negative when `to` is earlier). */
export function daysBetween(fromYmd: string, toYmd: string): number {
  const parse = (ymd: string) => {
    const [y, m, d] = ymd.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((parse(toYmd) - parse(fromYmd)) / 86_400_000);
}

/** A stretch of time during which the zone keeps one UTC offset. */
export interface OffsetSegment {
  /** First instant of the stretch (UTC epoch ms, inclusive). */
  startMs: number;
  /** Offset in minutes to add to a UTC time to get the local time. */
  offsetMinutes: number;
}

/** Sampling step: real zones keep an offset for weeks at least between two changes. */
const PROBE_STEP_MS = 7 * 86_400_000;
const SEGMENT_MEMO_LIMIT = 256;
const segmentMemo = new Map<string, OffsetSegment[]>();

/**
 * The offsets in force between `startMs` and `endMs`, in order. Offsets are sampled weekly and a
 * change is located to the minute by bisection: a 366-day window costs about 100 `Intl` calls and
 * usually yields one to three segments (DST twice a year). Results are memoised, since every
 * request of a day asks for the same windows.
 */
export function offsetSegments(startMs: number, endMs: number, timeZone: string): OffsetSegment[] {
  const memoKey = `${timeZone}|${startMs}|${endMs}`;
  const known = segmentMemo.get(memoKey);
  if (known) return known;
  const segments = computeSegments(startMs, endMs, timeZone);
  if (segmentMemo.size >= SEGMENT_MEMO_LIMIT) segmentMemo.clear();
  segmentMemo.set(memoKey, segments);
  return segments;
}

function computeSegments(startMs: number, endMs: number, timeZone: string): OffsetSegment[] {
  const segments: OffsetSegment[] = [
    { startMs, offsetMinutes: offsetMinutesAt(startMs, timeZone) },
  ];
  const step = PROBE_STEP_MS;
  for (let probe = startMs; probe < endMs;) {
    const next = Math.min(probe + step, endMs);
    const current = segments[segments.length - 1].offsetMinutes;
    if (offsetMinutesAt(next, timeZone) !== current) {
      let low = probe;
      let high = next;
      while (high - low > 60_000) {
        const mid = Math.floor((low + high) / 2 / 60_000) * 60_000;
        if (mid <= low) break;
        if (offsetMinutesAt(mid, timeZone) === current) low = mid;
        else high = mid;
      }
      segments.push({ startMs: high, offsetMinutes: offsetMinutesAt(high, timeZone) });
    }
    probe = next;
  }
  return segments;
}
