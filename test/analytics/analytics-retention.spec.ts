/**
 * Retention cohorts on a hand-checked dataset. The receiver runs in Asia/Kolkata (UTC+05:30): a
 * local day D spans [D−1 18:30Z, D 18:30Z). The window 2026-01-05 … 2026-01-25 is three weeks:
 * W0 = 01-05…01-11, W1 = 01-12…01-18, W2 = 01-19…01-25.
 */
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { PageviewEntity, SessionEntity, VisitorEntity } from '../../receiver/storage/entities';
import { adminHeaders, describeReceiver, useReceiverApp } from '../support/receiver-app';
import { RollupRebuildService } from '../../receiver/rollups/rollup-rebuild.service';
import { createProject, FIXTURE_TIMEZONE, type SeededProject } from './analytics-fixtures';

const WINDOW = 'range=custom&from=2026-01-05&to=2026-01-25';
const RANGE = { from: '2026-01-05 00:00:00', to: '2026-01-25 23:59:59' };

async function seedVisitor(
  ds: DataSource,
  projectId: number,
  name: string,
  firstSeen: string,
  views: string[],
): Promise<void> {
  const visitor = await ds.getRepository(VisitorEntity).insert({
    project_id: projectId,
    visitor_hash: name.padEnd(64, '0'),
    fingerprint_hash: '',
    first_seen: new Date(firstSeen),
    last_seen: new Date(views[views.length - 1]),
  });
  const visitorId = Number(visitor.identifiers[0].id);
  const session = await ds.getRepository(SessionEntity).insert({
    project_id: projectId,
    visitor_id: visitorId,
    session_token: `s-${name}`,
    started_at: new Date(firstSeen),
    last_activity: new Date(firstSeen),
    is_bounced: views.length === 1,
  });
  const sessionId = Number(session.identifiers[0].id);
  for (const when of views) {
    await ds.getRepository(PageviewEntity).insert({
      project_id: projectId,
      session_id: sessionId,
      visitor_id: visitorId,
      url: 'https://site.test/',
      page_title: 'Home',
      created_at: new Date(when),
    });
  }
}

describeReceiver('retention cohorts', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { timezone: FIXTURE_TIMEZONE } });
  let project: SeededProject;
  let cookieless: SeededProject;

  beforeAll(async () => {
    const ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    project = await createProject(receiver, 'Site');
    const other = await createProject(receiver, 'Other');
    const pid = project.id;
    // A: cohort W0 (01-05); back on 01-07, twice in W1 (counted once), and in W2.
    await seedVisitor(ds, pid, 'a', '2026-01-05T04:00:00Z', [
      '2026-01-05T04:00:00Z',
      '2026-01-07T04:00:00Z',
      '2026-01-13T04:00:00Z',
      '2026-01-14T04:00:00Z',
      '2026-01-20T04:00:00Z',
    ]);
    // B: cohort W0 (01-06); skips W1, back in W2.
    await seedVisitor(ds, pid, 'b', '2026-01-06T04:00:00Z', [
      '2026-01-06T04:00:00Z',
      '2026-01-20T05:00:00Z',
    ]);
    // C: first seen 01-11 23:30 local (last minutes of W0), back at 01-12 00:15 local (W1).
    await seedVisitor(ds, pid, 'c', '2026-01-11T18:00:00Z', [
      '2026-01-11T18:00:00Z',
      '2026-01-11T18:45:00Z',
    ]);
    // D: first seen 01-12 00:30 local → cohort W1 (although 01-11 in UTC); never back.
    await seedVisitor(ds, pid, 'd', '2026-01-11T19:00:00Z', ['2026-01-11T19:00:00Z']);
    // E: first seen before the window: in no cohort, although active inside it.
    await seedVisitor(ds, pid, 'e', '2025-12-30T04:00:00Z', [
      '2026-01-07T04:00:00Z',
      '2026-01-14T04:00:00Z',
    ]);
    // F: cohort W2, the last period: no later period inside the window.
    await seedVisitor(ds, pid, 'f', '2026-01-19T04:00:00Z', ['2026-01-19T04:00:00Z']);
    // G: cohort W0 (01-08); back only at 01-26 00:00 local, after the window.
    await seedVisitor(ds, pid, 'g', '2026-01-08T04:00:00Z', [
      '2026-01-08T04:00:00Z',
      '2026-01-25T18:30:00Z',
    ]);
    // Another project's visitor, back every week: never counted.
    await seedVisitor(ds, other.id, 'x', '2026-01-05T04:00:00Z', [
      '2026-01-05T04:00:00Z',
      '2026-01-13T04:00:00Z',
    ]);

    cookieless = await createProject(receiver, 'Cookieless');
    const edit = await receiver.http.post(
      '/api/projects/edit.php',
      { id: cookieless.id, cookieless: true },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(edit.status).toBe(200);
    // Written behind the ingest's back: rebuild the rollups retention reads, as the fixture does.
    await receiver.app.get(RollupRebuildService).rebuild();
  });

  const get = (query: string, key = project.secretKey) =>
    receiver.http.get(`/api/analytics/retention.php?${query}`, {
      'X-API-Key': key,
      'X-Test-Mode': 'phpunit',
    });

  it('weekly by default: cohort sizes and who came back in each later week', async () => {
    const res = await get(WINDOW);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Retention cohorts fetched successfully',
      data: {
        range: RANGE,
        period: 'week',
        periods: 8,
        cohorts: [
          { cohort: '2026-01-05', new_visitors: 4 }, // A B C G
          { cohort: '2026-01-12', new_visitors: 1 }, // D
          { cohort: '2026-01-19', new_visitors: 1 }, // F
        ],
        retention: [
          // W1: A and C of 4; W2: A and B of 4.
          {
            cohort: '2026-01-05',
            period: 1,
            date: '2026-01-12',
            returning_visitors: 2,
            returning_pct: 50,
          },
          {
            cohort: '2026-01-05',
            period: 2,
            date: '2026-01-19',
            returning_visitors: 2,
            returning_pct: 50,
          },
          {
            cohort: '2026-01-12',
            period: 1,
            date: '2026-01-19',
            returning_visitors: 0,
            returning_pct: 0,
          },
        ],
      },
    });
  });

  it('daily cohorts with `periods` later days each, cut at the end of the window', async () => {
    const data = (await get(`${WINDOW}&period=day&periods=2`)).body.data;
    expect(data.period).toBe('day');
    expect(data.periods).toBe(2);
    expect(data.cohorts).toEqual(
      ['2026-01-05', '2026-01-06', '2026-01-08', '2026-01-11', '2026-01-12', '2026-01-19'].map(
        (cohort) => ({ cohort, new_visitors: 1 }),
      ),
    );
    const back = (cohort: string, period: number, date: string, n: number) => ({
      cohort,
      period,
      date,
      returning_visitors: n,
      returning_pct: n * 100,
    });
    expect(data.retention).toEqual([
      back('2026-01-05', 1, '2026-01-06', 0),
      back('2026-01-05', 2, '2026-01-07', 1), // A on 01-07
      back('2026-01-06', 1, '2026-01-07', 0),
      back('2026-01-06', 2, '2026-01-08', 0),
      back('2026-01-08', 1, '2026-01-09', 0),
      back('2026-01-08', 2, '2026-01-10', 0),
      back('2026-01-11', 1, '2026-01-12', 1), // C at 00:15 local
      back('2026-01-11', 2, '2026-01-13', 0),
      back('2026-01-12', 1, '2026-01-13', 0),
      back('2026-01-12', 2, '2026-01-14', 0),
      back('2026-01-19', 1, '2026-01-20', 0),
      back('2026-01-19', 2, '2026-01-21', 0),
    ]);
  });

  it('a window ending inside a week counts only the days it holds', async () => {
    // W1 is 01-12…01-13 here: A (01-13) and C (01-12 00:15) are back, A's 01-14 is outside.
    const data = (await get('range=custom&from=2026-01-05&to=2026-01-13&periods=1')).body.data;
    expect(data.cohorts).toEqual([
      { cohort: '2026-01-05', new_visitors: 4 },
      { cohort: '2026-01-12', new_visitors: 1 },
    ]);
    expect(data.retention).toEqual([
      {
        cohort: '2026-01-05',
        period: 1,
        date: '2026-01-12',
        returning_visitors: 2,
        returning_pct: 50,
      },
    ]);
  });

  it('is served without .php and as CSV (the retention list by default, cohorts on request)', async () => {
    const json = await receiver.http.get(`/api/analytics/retention?${WINDOW}`, {
      'X-API-Key': project.secretKey,
    });
    expect(json.body.data.cohorts).toHaveLength(3);
    const csv = await get(`${WINDOW}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="retention-retention-2026-01-05_2026-01-25.csv"',
    );
    expect(csv.text).toBe(
      'cohort,period,date,returning_visitors,returning_pct\r\n' +
        '2026-01-05,1,2026-01-12,2,50\r\n' +
        '2026-01-05,2,2026-01-19,2,50\r\n' +
        '2026-01-12,1,2026-01-19,0,0\r\n',
    );
    const cohorts = await get(`${WINDOW}&format=csv&list=cohorts`);
    expect(cohorts.text).toBe(
      'cohort,new_visitors\r\n2026-01-05,4\r\n2026-01-12,1\r\n2026-01-19,1\r\n',
    );
  });

  it('refuses an unknown period, clamps periods, and needs the secret key', async () => {
    const bad = await get(`${WINDOW}&period=month`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, message: 'period must be day or week' });
    expect((await get(`${WINDOW}&periods=0`)).body.data.periods).toBe(1);
    expect((await get(`${WINDOW}&periods=9999`)).body.data.periods).toBe(365);
    const range = await get('range=custom&from=2026-01-25&to=2026-01-05');
    expect(range.status).toBe(400);
    expect((await get(WINDOW, project.publicKey)).status).toBe(401);
  });

  it('says returning visitors are unknown for a cookieless project', async () => {
    const data = (await get(WINDOW, cookieless.secretKey)).body.data;
    expect(data).toEqual({
      range: RANGE,
      period: 'week',
      periods: 8,
      cohorts: [],
      retention: [],
      returning_visitors_known: false,
    });
    expect((await get(WINDOW)).body.data).not.toHaveProperty('returning_visitors_known');
  });
});
