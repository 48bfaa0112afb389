import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiverProcess, startReceiverProcess } from '../support/receiver-process.client';
import { CHROME_UA } from './tracking-fixtures';

const PAGE_BASE = 'https://shop.example.com/';

/** Clients sending pageviews and audits in turn, each waiting for its answer before the next. */
interface Load {
  /** Ids of the pageviews and audits answered 202. */
  pages: string[];
  audits: string[];
  acknowledged(): number;
  /** Requests sent and not answered yet. */
  inFlight(): number;
  /** Stops sending; resolves when every client has its last answer (or lost its server). */
  stop(): Promise<void>;
}

function startLoad(receiver: ReceiverProcess, clients: number): Load {
  const { url, secretKey, publicKey } = receiver.info;
  const pages: string[] = [];
  const audits: string[] = [];
  let inFlight = 0;
  let stopped = false;
  const client = async (w: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const page = n % 2 === 0;
      const id = `w${w}-n${n}`;
      inFlight++;
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
                  url: `${PAGE_BASE}${id}`,
                  visitor_id: `visitor-${w}`,
                  session_token: `session-${w}`,
                }
              : { action: id, actor: 'crash-test' },
          ),
        });
        if (res.status === 202) (page ? pages : audits).push(id);
      } catch {
        return; // the server died under this request: it was never acknowledged
      } finally {
        inFlight--;
      }
    }
  };
  const running = Array.from({ length: clients }, (_, w) => client(w));
  return {
    pages,
    audits,
    acknowledged: () => pages.length + audits.length,
    inFlight: () => inFlight,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

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
    await running?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged pageview and audit after kill -9 under load', async () => {
    const file = join(dir, 'receiver.sqlite');
    running = await startReceiverProcess(file);
    const load = startLoad(running, 24);
    while (load.acknowledged() < 600) await sleep(20);
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    await load.stop();

    await expectEveryAcknowledgedEventAfterRestart(file, load);
    expect(load.acknowledged()).toBeGreaterThanOrEqual(600);
  }, 120_000);

  /**
   * Batches of 64 events and more are written by the SQLite writer thread. To make one, another
   * connection holds the write lock for a moment (as a backup would) while 150 clients keep
   * sending: their events wait for the lock, then go as one batch, and the receiver is killed
   * while that batch is being written (as soon as the batch before it is answered).
   */
  it('keeps every acknowledged event after kill -9 while a backlog is written in the writer thread', async () => {
    const file = join(dir, 'backlog.sqlite');
    running = await startReceiverProcess(file);
    const load = startLoad(running, 150);
    while (load.acknowledged() < 300) await sleep(20);

    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    await sleep(1_000);
    const waiting = load.inFlight();
    const before = load.acknowledged();
    other.exec('COMMIT');
    other.close();
    // The batch that waited for the lock commits first; the backlog is written right after it.
    while (load.acknowledged() === before) await sleep(1);
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    await load.stop();

    expect(waiting).toBeGreaterThanOrEqual(64);
    await expectEveryAcknowledgedEventAfterRestart(file, load);
  }, 120_000);

  /** Restarts the receiver on `file` (SQLite recovers its WAL): every 202 of `load` is stored. */
  async function expectEveryAcknowledgedEventAfterRestart(file: string, load: Load): Promise<void> {
    const projectId = running?.info.projectId;
    running = await startReceiverProcess(file);
    expect(running.info.projectId).toBe(projectId);
    const db = new Database(file, { readonly: true });
    try {
      const audits = new Set(
        (db.prepare('SELECT action FROM audit_logs').all() as { action: string }[]).map(
          (r) => r.action,
        ),
      );
      const pages = new Set(
        (db.prepare('SELECT url FROM pageviews').all() as { url: string }[]).map((r) =>
          r.url.slice(PAGE_BASE.length),
        ),
      );
      expect(load.audits.filter((id) => !audits.has(id))).toEqual([]);
      expect(load.pages.filter((id) => !pages.has(id))).toEqual([]);
    } finally {
      db.close();
    }
  }
});
