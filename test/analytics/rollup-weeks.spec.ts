import { weekDeltas, weekOf, windowParts } from '../../receiver/rollups/rollup-weeks';

describe('rollup week rows', () => {
  it('cuts a window into the days before, the whole ISO weeks and the days after', () => {
    expect(weekOf('2026-11-30')).toBe('2026-11-30'); // a Monday
    expect(weekOf('2026-11-29')).toBe('2026-11-23'); // a Sunday
    expect(weekOf('2027-01-01')).toBe('2026-12-28'); // across a year
    const w = { projectId: 1, dimension: 'page', fromDay: '2026-10-31', toDay: '2026-11-30' };
    expect(windowParts({ ...w, weeks: true })).toEqual([
      { dimension: 'page', fromDay: '2026-10-31', toDay: '2026-11-01' },
      { dimension: 'page/wk', fromDay: '2026-11-02', toDay: '2026-11-23' },
      { dimension: 'page', fromDay: '2026-11-30', toDay: '2026-11-30' },
    ]);
    // Whole weeks only, at both ends.
    expect(windowParts({ ...w, fromDay: '2026-11-09', toDay: '2026-11-22', weeks: true })).toEqual([
      { dimension: 'page/wk', fromDay: '2026-11-09', toDay: '2026-11-16' },
    ]);
    // No whole week, no week rows asked, or a dimension without week rows: the day rows.
    for (const window of [
      { ...w, fromDay: '2026-11-10', toDay: '2026-11-16', weeks: true },
      { ...w },
      { ...w, dimension: 'total', weeks: true },
    ])
      expect(windowParts(window)).toEqual([
        { dimension: window.dimension, fromDay: window.fromDay, toDay: window.toDay },
      ]);
  });

  it('sums the days of a week into one delta per group, uniting the ids', () => {
    const day = (d: string, pageviews: number, ids: number[]) => ({
      projectId: 1,
      day: d,
      dimension: 'page',
      valueKey: 'k',
      labels: ['/', 'Home'],
      pageviews,
      members: new Set(ids),
    });
    const weeks = weekDeltas([
      day('2026-11-29', 3, [1, 2]),
      day('2026-11-30', 2, [2, 3]),
      day('2026-12-01', 4, [4]),
      { ...day('2026-11-30', 1, []), dimension: 'total' },
    ]);
    expect(weeks).toEqual([
      { ...day('2026-11-23', 3, [1, 2]), dimension: 'page/wk' },
      { ...day('2026-11-30', 6, [2, 3, 4]), dimension: 'page/wk' },
    ]);
  });
});
