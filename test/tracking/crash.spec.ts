import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { CHROME_UA } from './tracking-fixtures';

/**
 * A receiver process under load is killed with SIGKILL: every event that got its 202 must be in
 * the database when the receiver comes back.
 */
describe('crash safety of the inline queue', () => {
  let dir: string;
  let running: ReceiverProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crash-'));
  });

  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged pageview and audit after kill -9 under load', async () => {
    const file = join(dir, 'receiver.sqlite');
    running = await startReceiverProcess(file);
    const { url, secretKey, publicKey, projectId } = running.info;
    const acknowledgedAudits: string[] = [];
    const acknowledgedPages: string[] = [];
    let stop = false;

    const worker = async (w: number): Promise<void> => {
      for (let n = 0; !stop; n++) {
        const page = n % 2 === 0;
        const id = `w${w}-n${n}`;
        try {
          const res = await fetch(`${url}/api/track/${page ? 'pageview' : 'audit'}.php`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-API-Key': page ? publicKey : secretKey,
              'X-Test-Mode': 'phpunit',
              'User-Agent': CHROME_UA,
              Accept: '*/*',
              'Accept-Language': 'en',
            },
            body: JSON.stringify(
              page
                ? {
                    url: `https://shop.example.com/${id}`,
                    visitor_id: `visitor-${w}`,
                    session_token: `session-${w}`,
                  }
                : { action: id, actor: 'crash-test' },
            ),
          });
          if (res.status === 202) (page ? acknowledgedPages : acknowledgedAudits).push(id);
        } catch {
          return; // the server died under this request: it was never acknowledged
        }
      }
    };

    const workers = Array.from({ length: 24 }, (_, w) => worker(w));
    while (acknowledgedAudits.length + acknowledgedPages.length < 600) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    stop = true;
    await Promise.all(workers);

    // The receiver starts again on the same file (SQLite recovers its WAL) …
    running = await startReceiverProcess(file);
    expect(running.info.projectId).toBe(projectId);
    // … and every acknowledged event is there.
    const db = new Database(file, { readonly: true });
    try {
      const audits = new Set(
        (db.prepare('SELECT action FROM audit_logs').all() as { action: string }[]).map(
          (r) => r.action,
        ),
      );
      const pages = new Set(
        (db.prepare('SELECT url FROM pageviews').all() as { url: string }[]).map((r) =>
          r.url.slice('https://shop.example.com/'.length),
        ),
      );
      expect(acknowledgedAudits.filter((id) => !audits.has(id))).toEqual([]);
      expect(acknowledgedPages.filter((id) => !pages.has(id))).toEqual([]);
      expect(acknowledgedAudits.length + acknowledgedPages.length).toBeGreaterThanOrEqual(600);
    } finally {
      db.close();
    }
  }, 120_000);
});
