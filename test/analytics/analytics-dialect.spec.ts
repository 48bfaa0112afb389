import { DataSource } from 'typeorm';
import { analyticsDialect } from '../../receiver/analytics/sql/analytics-dialect';
import { dialectOf } from '../../receiver/storage/dialect';
import { SqlParams } from '../../receiver/analytics/sql/sql-params';
import { parseAnalyticsRange } from '../../receiver/analytics/range/analytics-range.parser';
import { offsetSegments } from '../../receiver/analytics/range/zoned-time.util';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

const columnType = { sqlite: 'datetime', postgres: 'timestamptz', mariadb: 'datetime(3)' };

describeEachEngine('local-day bucketing in SQL', (engine) => {
  let db: IsolatedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createIsolatedDatabase(engine);
    ds = new DataSource(db.options as never);
    await ds.initialize();
    await ds.query(
      `CREATE TABLE evt (id INT PRIMARY KEY, at ${columnType[engine]}, later ${columnType[engine]})`,
    );
    // UTC instants around the Paris DST change of 2026-03-29 and a late-evening event.
    const rows: Array<[number, string, string]> = [
      [1, '2026-03-27 22:59:59.000', '2026-03-27 23:00:09.000'], // 23:59:59 Paris → 03-27
      [2, '2026-03-27 23:00:00.000', '2026-03-27 23:10:00.000'], // 00:00 Paris → 03-28
      [3, '2026-03-28 23:30:00.000', '2026-03-28 23:30:42.000'], // 00:30 CET → 03-29
      [4, '2026-03-29 21:59:00.000', '2026-03-29 21:59:00.000'], // 23:59 CEST → 03-29
      [5, '2026-03-29 22:00:00.000', '2026-03-30 00:00:00.000'], // 00:00 CEST → 03-30
    ];
    const p = engine === 'postgres' ? ['$1', '$2', '$3'] : ['?', '?', '?'];
    for (const row of rows) {
      await ds.query(`INSERT INTO evt (id, at, later) VALUES (${p.join(', ')})`, row);
    }
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('buckets each stored UTC instant on its local Paris day across the DST change', async () => {
    const dialect = analyticsDialect(dialectOf(ds));
    const range = parseAnalyticsRange(
      { range: 'custom', from: '2026-03-27', to: '2026-03-30' },
      'Europe/Paris',
    );
    const params = new SqlParams(dialect);
    const segments = offsetSegments(range.startMs, range.endMs, range.timeZone);
    expect(segments).toHaveLength(2);
    const day = dialect.localDay('at', segments, params);
    const rows: Array<{ id: number | string; day: string }> = await ds.query(
      `SELECT id, ${day} AS day FROM evt ORDER BY id`,
      params.values,
    );
    expect(rows.map((r) => [Number(r.id), r.day])).toEqual([
      [1, '2026-03-27'],
      [2, '2026-03-28'],
      [3, '2026-03-29'],
      [4, '2026-03-29'],
      [5, '2026-03-30'],
    ]);
  });

  it('groups an event at 23:30 UTC on the next local day east of UTC and the same day in UTC', async () => {
    const dialect = analyticsDialect(dialectOf(ds));
    for (const [zone, expected] of [
      ['UTC', '2026-03-28'],
      ['Asia/Kolkata', '2026-03-29'],
      ['America/New_York', '2026-03-28'],
    ] as const) {
      const range = parseAnalyticsRange(
        { range: 'custom', from: '2026-03-26', to: '2026-03-31' },
        zone,
      );
      const params = new SqlParams(dialect);
      const day = dialect.localDay('at', offsetSegments(range.startMs, range.endMs, zone), params);
      const [row] = await ds.query(`SELECT ${day} AS day FROM evt WHERE id = 3`, params.values);
      expect(row.day).toBe(expected);
    }
  });

  it('measures durations in whole seconds', async () => {
    const dialect = analyticsDialect(dialectOf(ds));
    const rows: Array<{ s: number | string }> = await ds.query(
      `SELECT ${dialect.secondsBetween('at', 'later')} AS s FROM evt ORDER BY id`,
    );
    expect(rows.map((r) => Number(r.s))).toEqual([10, 600, 42, 0, 7200]);
  });
});
