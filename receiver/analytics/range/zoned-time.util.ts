/**
 * Calendar arithmetic for analytics windows. The receiver stores instants in UTC and answers in
 * its configured zone: "today", day boundaries and the offsets used for day buckets are computed
 * here (on top of the receiver's time helpers) and handed to SQL as UTC instants.
 */

import { formatDate, zonedToUtc, zoneOffsetMinutes } from '../../common/time/receiver-time';

/** `YYYY-MM-DD` of the local calendar day containing `instantMs`. */
export const localDateOf = (instantMs: number, timeZone: string): string =>
  formatDate(new Date(instantMs), timeZone);

/** The UTC instant at which local day `ymd` (`YYYY-MM-DD`) begins in `timeZone`. */
export const startOfLocalDay = (ymd: string, timeZone: string): number =>
  zonedToUtc(`${ymd} 00:00:00`, timeZone).getTime();

const offsetMinutesAt = (instantMs: number, timeZone: string): number =>
  zoneOffsetMinutes(new Date(instantMs), timeZone);

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
