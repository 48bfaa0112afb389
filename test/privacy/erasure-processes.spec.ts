import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createReceiverDataSource } from '../../receiver/storage/data-source.factory';
import { type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { CHROME_UA } from '../tracking/tracking-fixtures';

const VISITOR = '0b7d3c1e-5a2f-4e8b-9d6c-3f1a2b4c5d6e';

/**
 * Two receiver processes on one database, each with its own id cache: B has served the visitor
 * (its cache holds the visitor's and session's row ids) when A erases them. B must not go on
 * writing the visitor's next pageviews under the deleted rows.
 */
describe('a visitor erased through one receiver process, then seen by another', () => {
  let dir: string;
  let a: ReceiverProcess;
  let b: ReceiverProcess;
  let db: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erasure-processes-'));
    const file = join(dir, 'receiver.sqlite');
    a = await startReceiverProcess(file);
    b = await startReceiverProcess(file);
    db = await createReceiverDataSource({ type: 'better-sqlite3', database: file });
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    for (const child of [a?.child, b?.child]) child?.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pageview = async (target: ReceiverProcess, path: string) => {
    const res = await fetch(`${target.info.url}/api/track/pageview.php`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-API-Key': target.info.publicKey,
        'X-Test-Mode': 'phpunit',
        'User-Agent': CHROME_UA,
        Accept: '*/*',
        'Accept-Language': 'en',
        Origin: 'https://example.com',
      },
      body: JSON.stringify({
        url: `https://example.com${path}`,
        visitor_id: VISITOR,
        session_token: 'session-1',
      }),
    });
    expect(res.status).toBe(202);
  };

  const count = async (sql: string): Promise<number> =>
    Number((await db.query<Array<{ n: unknown }>>(sql))[0].n);

  it("stores the visitor's next pageview under a new visitor row, never under the erased one", async () => {
    await pageview(b, '/first');
    await pageview(b, '/second'); // the second one is served from B's id cache
    const erased = await fetch(
      `${a.info.url}/api/privacy/visitors/${VISITOR}?project=${a.info.projectId}`,
      { method: 'DELETE', headers: { 'X-Admin-Key': 'process-admin-key' } },
    );
    expect(erased.status).toBe(200);
    expect(await count('SELECT COUNT(*) AS n FROM visitors')).toBe(0);

    await pageview(b, '/after');
    const orphans = await count(
      'SELECT COUNT(*) AS n FROM pageviews p WHERE NOT EXISTS ' +
        '(SELECT 1 FROM visitors v WHERE v.id = p.visitor_id) OR NOT EXISTS ' +
        '(SELECT 1 FROM sessions s WHERE s.id = p.session_id)',
    );
    expect(orphans).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM visitors')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM sessions')).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM pageviews')).toBe(1);
  }, 30_000);
});
