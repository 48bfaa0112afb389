import { DataSource } from 'typeorm';
import { parseAnalyticsRange } from '../../receiver/analytics/range/analytics-range.parser';
import { AnalyticsSql } from '../../receiver/analytics/sql/analytics-sql.service';
import {
  createIsolatedDatabase,
  describeEachEngine,
  type IsolatedDatabase,
} from '../support/services';

// The receiver's own timestamp column types (see storage/migrations/schema-columns.ts).
const columnType = { sqlite: 'datetime', postgres: 'timestamptz', mariadb: 'datetime(3)' };

describeEachEngine('day series and durations in SQL', (engine) => {
  let db: IsolatedDatabase;
  let ds: DataSource;
  let sql: AnalyticsSql;

  beforeAll(async () => {
    db = await createIsolatedDatabase(engine);
    ds = new DataSource(db.options as never);
    await ds.initialize();
    sql = new AnalyticsSql(ds);
    await ds.query(
      `CREATE TABLE evt (id INT PRIMARY KEY, at ${columnType[engine]}, later ${columnType[engine]})`,
    );
    // UTC instants around the Paris DST change of 2026-03-29 and late-evening events.
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

  const series = async (zone: string, from: string, to: string) => {
    const range = parseAnalyticsRange({ range: 'custom', from, to }, zone);
    const rows = await sql.perDay(
      range,
      (_p, within) => `COUNT(*) AS n FROM evt WHERE ${within('at')}`,
      (row: { n: unknown }) => Number(row.n) > 0,
    );
    return rows.map((r) => [r.day, Number(r.n)]);
  };

  it('buckets stored UTC instants on their local Paris day across the DST change, omitting empty days', async () => {
    expect(await series('Europe/Paris', '2026-03-26', '2026-03-31')).toEqual([
      ['2026-03-27', 1],
      ['2026-03-28', 1],
      ['2026-03-29', 2],
      ['2026-03-30', 1],
    ]);
  });

  it('counts an event at 23:30 UTC on the next local day east of UTC and the same day in UTC', async () => {
    expect(await series('UTC', '2026-03-28', '2026-03-28')).toEqual([['2026-03-28', 1]]);
    expect(await series('Asia/Kolkata', '2026-03-29', '2026-03-29')).toEqual([['2026-03-29', 1]]);
    expect(await series('America/New_York', '2026-03-28', '2026-03-28')).toEqual([
      ['2026-03-28', 1],
    ]);
  });

  it('measures durations in whole seconds', async () => {
    const rows: Array<{ s: number | string }> = await ds.query(
      `SELECT ${sql.dialect.secondsBetween('at', 'later')} AS s FROM evt ORDER BY id`,
    );
    expect(rows.map((r) => Number(r.s))).toEqual([10, 600, 42, 0, 7200]);
  });
});
