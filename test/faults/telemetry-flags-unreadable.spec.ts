/**
 * The flags table unreadable (a real database fault: the table renamed away) while reports keep
 * coming: the report is stored before its answer reads the flags, so the answer must still be a
 * 2xx, or the client keeps the report and sends it again. The answer then carries no
 * `feature_flags` key, which clients read as "keep your flags" (an empty object would wipe them).
 */
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { watchLoggedLines } from '../support/logged-lines';
import { useReceiverApp } from '../support/receiver-app';
import { describeEachEngine, type EngineName } from '../support/services';
import {
  createProject,
  report,
  secretHeaders,
  type TestProject,
} from '../receiver/telemetry/telemetry-fixtures';

const AWAY = 'feature_flags_away';

/** Renames a table (the same statement on the three engines). */
const rename = (ds: DataSource, engine: EngineName, from: string, to: string) =>
  ds.query(
    engine === 'mariadb' ? `RENAME TABLE ${from} TO ${to}` : `ALTER TABLE ${from} RENAME TO ${to}`,
  );

describeEachEngine('report answers while the flags cannot be read', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  let project: TestProject;
  let ds: DataSource;
  let logs: ReturnType<typeof watchLoggedLines>;

  beforeAll(async () => {
    // Here, not at collection: each engine's block restores its own spies.
    logs = watchLoggedLines();
    ds = receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    project = await createProject(receiver);
    const flag = await receiver.http.put(
      '/api/flags/maintenance',
      { defaultValue: true },
      secretHeaders(project),
    );
    expect(flag.status).toBe(200);
  });
  afterAll(() => logs.restore());

  const post = (body: unknown) =>
    receiver.http.post('/api/telemetry', body, secretHeaders(project));

  /** Stored samples of a host's key, read through the hosts API. */
  const samples = async (host: string, key: string): Promise<number> => {
    const res = await receiver.http.get(
      `/api/telemetry/hosts/${host}/keys/${key}?from=2000-01-01`,
      secretHeaders(project),
    );
    return res.body.data.count as number;
  };

  it('acknowledges a stored report without feature_flags, logs once, and sends the flags again once readable', async () => {
    logs.clear();
    await rename(ds, engine, 'feature_flags', AWAY);
    try {
      const first = await post(report('shop-1', { users: 1 }, '2026-01-01T10:00:00Z'));
      expect(first.status).toBe(200);
      expect(first.body).toEqual({});
      expect(await samples('shop-1', 'users')).toBe(1);
      // A batch of rounds (TelemetryModule's catch-up) is answered the same way.
      const rounds = [report('shop-1', { users: 2 }, '2026-01-01T10:01:00Z')];
      const batch = await receiver.http.request('POST', '/api/telemetry', {
        raw: JSON.stringify({ nonce: 'n-1', rounds }),
        headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
      });
      expect(batch.status).toBe(200);
      expect(batch.body).toEqual({ stored: [0], refused: [] });
      expect(await samples('shop-1', 'users')).toBe(2);
      expect(logs.count('warn', /Feature flags unreadable/)).toBe(1);
      expect(logs.count('error')).toBe(0);
    } finally {
      await rename(ds, engine, AWAY, 'feature_flags');
    }
    const back = await post(report('shop-1', { users: 3 }, '2026-01-01T10:02:00Z'));
    expect(back.status).toBe(200);
    expect(back.body).toEqual({ feature_flags: { maintenance: true } });
    expect(await samples('shop-1', 'users')).toBe(3);
    expect(logs.count('log', /Feature flags readable again/)).toBe(1);
  });

  it('answers a batch whose every round is refused without feature_flags, not with empty flags', async () => {
    const res = await receiver.http.request('POST', '/api/telemetry', {
      raw: JSON.stringify({ nonce: 'n-2', rounds: [{ host: 'shop-2', data: {} }] }),
      headers: secretHeaders(project, { 'Content-Type': 'application/json' }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      stored: [],
      refused: [{ index: 0, error: 'data must be a non-empty object' }],
    });
  });
});
