import { InvalidInputError } from '../../receiver/common/errors/receiver.errors';
import {
  parseAnalyticsRange,
  rangeDays,
} from '../../receiver/analytics/range/analytics-range.parser';
import {
  localDateOf,
  localDays,
  startOfLocalDay,
} from '../../receiver/common/time/zoned-time.util';

// 2026-03-10 15:00 UTC: a Tuesday, between the US (03-08) and EU (03-29) DST changes.
const NOW = Date.UTC(2026, 2, 10, 15, 0, 0);

function rejection(query: Record<string, string>): string {
  try {
    parseAnalyticsRange(query, 'UTC', NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
}

describe('range=Nd', () => {
  it.each([
    ['7d', 7],
    ['30d', 30],
    ['400d', 365],
    ['12h', 12],
    ['-5d', 1],
    ['abc', 1],
    ['', 1],
    ['+9', 9],
    ['1-2d', 1],
    ['365', 365],
    ['0d', 1],
  ])('reads %p as %p days', (range, days) => {
    expect(rangeDays(range)).toBe(days);
  });

  it('defaults to 30d: today minus 30 days through today, 31 calendar dates', () => {
    const range = parseAnalyticsRange({}, 'UTC', NOW);
    expect(range.label).toEqual({ from: '2026-02-08 00:00:00', to: '2026-03-10 23:59:59' });
  });

  it('spans N+1 calendar dates (7d = 8 dates, as the original)', () => {
    const range = parseAnalyticsRange({ range: '7d' }, 'UTC', NOW);
    expect(range.fromDate).toBe('2026-03-03');
    expect(range.toDate).toBe('2026-03-10');
    expect(range.endMs - range.startMs).toBe(8 * 86_400_000);
  });

  it('takes "today" in the configured timezone, not UTC', () => {
    // 15:00 UTC on 03-10 is already 03-11 in Kiritimati (UTC+14).
    const range = parseAnalyticsRange({ range: '1d' }, 'Pacific/Kiritimati', NOW);
    expect(range.label).toEqual({ from: '2026-03-10 00:00:00', to: '2026-03-11 23:59:59' });
    expect(range.startMs).toBe(Date.UTC(2026, 2, 9, 10, 0, 0));
  });

  it('ignores from/to unless range is exactly "custom"', () => {
    const range = parseAnalyticsRange({ range: 'Custom', from: 'x', to: 'y' }, 'UTC', NOW);
    expect(range.toDate).toBe('2026-03-10');
  });
});

describe('range=custom', () => {
  it('accepts equal dates and a 366-date leap-year span', () => {
    expect(
      parseAnalyticsRange({ range: 'custom', from: '2026-01-05', to: '2026-01-05' }, 'UTC', NOW)
        .label,
    ).toEqual({ from: '2026-01-05 00:00:00', to: '2026-01-05 23:59:59' });
    expect(
      parseAnalyticsRange({ range: 'custom', from: '2024-01-01', to: '2024-12-31' }, 'UTC', NOW)
        .toDate,
    ).toBe('2024-12-31');
  });

  it('accepts dates in the future', () => {
    expect(
      parseAnalyticsRange({ range: 'custom', from: '2030-01-01', to: '2030-01-02' }, 'UTC', NOW)
        .fromDate,
    ).toBe('2030-01-01');
  });

  it.each([
    [{ range: 'custom' }],
    [{ range: 'custom', from: '2026-01-01' }],
    [{ range: 'custom', to: '2026-01-01' }],
    [{ range: 'custom', from: '2026-1-5', to: '2026-01-06' }],
    [{ range: 'custom', from: '2026-02-30', to: '2026-03-01' }],
    [{ range: 'custom', from: '2026-01-01', to: '2026-13-01' }],
    [{ range: 'custom', from: '2025-02-29', to: '2025-03-01' }],
    [{ range: 'custom', from: '01/02/2026', to: '2026-03-01' }],
    [{ range: 'custom', from: '2026-01-01 ', to: '2026-03-01' }],
  ])('rejects %p with "Invalid date format. Use YYYY-MM-DD"', (query) => {
    expect(rejection(query)).toBe('Invalid date format. Use YYYY-MM-DD');
  });

  it('rejects to before from', () => {
    expect(rejection({ range: 'custom', from: '2026-01-02', to: '2026-01-01' })).toBe(
      "'from' must be before 'to'",
    );
  });

  it('rejects a span over 365 days', () => {
    expect(rejection({ range: 'custom', from: '2025-01-01', to: '2026-01-02' })).toBe(
      'Custom date range cannot exceed 365 days',
    );
    expect(
      parseAnalyticsRange({ range: 'custom', from: '2025-01-01', to: '2026-01-01' }, 'UTC', NOW)
        .toDate,
    ).toBe('2026-01-01');
  });
});

describe('zoned time', () => {
  it('starts a local day at the right UTC instant on both sides of a DST change', () => {
    expect(new Date(startOfLocalDay('2026-03-29', 'Europe/Paris')).toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(new Date(startOfLocalDay('2026-03-30', 'Europe/Paris')).toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(new Date(startOfLocalDay('2026-01-01', 'Asia/Kolkata')).toISOString()).toBe(
      '2025-12-31T18:30:00.000Z',
    );
  });

  it('puts an instant on its local calendar day', () => {
    const at = Date.UTC(2026, 0, 1, 23, 30, 5);
    expect(localDateOf(at, 'UTC')).toBe('2026-01-01');
    expect(localDateOf(at, 'Europe/Paris')).toBe('2026-01-02');
  });

  it('moves to the next local day at local midnight, also after answering the day before', () => {
    // The day found last is remembered: its last millisecond and the next day's first must differ.
    const midnight = startOfLocalDay('2026-03-30', 'Europe/Paris');
    expect(localDateOf(midnight - 3_600_000, 'Europe/Paris')).toBe('2026-03-29');
    expect(localDateOf(midnight - 1, 'Europe/Paris')).toBe('2026-03-29');
    expect(localDateOf(midnight, 'Europe/Paris')).toBe('2026-03-30');
    expect(localDateOf(midnight - 1, 'Europe/Paris')).toBe('2026-03-29');
    // Zones whose midnight a DST change skips (Santiago, Havana) still answer their formatter's day.
    const instant = Date.UTC(2026, 8, 6, 4, 30);
    const formatted = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(
      instant,
    );
    expect(localDateOf(instant, 'America/Santiago')).toBe(formatted);
  });

  it('answers a repeated range from memory until "today" changes', () => {
    const first = parseAnalyticsRange({ range: '7d' }, 'Europe/Paris', NOW);
    expect(parseAnalyticsRange({ range: '7d' }, 'Europe/Paris', NOW + 1000)).toBe(first);
    const tomorrow = parseAnalyticsRange({ range: '7d' }, 'Europe/Paris', NOW + 86_400_000);
    expect(tomorrow.toDate).toBe('2026-03-11');
    // An absent range (30d) and the text "undefined" (clamped to 1d) are different ranges.
    expect(parseAnalyticsRange({}, 'UTC', NOW).fromDate).toBe('2026-02-08');
    expect(parseAnalyticsRange({ range: 'undefined' }, 'UTC', NOW).fromDate).toBe('2026-03-09');
  });

  it('lists every local day with its UTC bounds, 23 and 25 hours long at DST changes', () => {
    const hours = (zone: string, from: string, to: string) =>
      localDays(from, to, zone).map((d) => [d.day, (d.endMs - d.startMs) / 3_600_000]);
    expect(hours('Europe/Paris', '2026-03-28', '2026-03-30')).toEqual([
      ['2026-03-28', 24],
      ['2026-03-29', 23],
      ['2026-03-30', 24],
    ]);
    expect(hours('Europe/Paris', '2026-10-25', '2026-10-25')).toEqual([['2026-10-25', 25]]);
    expect(localDays('2024-01-01', '2024-12-31', 'UTC')).toHaveLength(366);
  });
});
