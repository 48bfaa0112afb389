import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { PageviewEntity } from '../../receiver/storage/entities';
import { adminHeaders, createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

/** A second process that takes SQLite's write lock (`BEGIN IMMEDIATE`) and keeps it `ms`. */
function holdWriteLock(
  file: string,
  ms: number,
): { child: ChildProcess; lines: AsyncIterator<string> } {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); console.log('released'); db.close(); }, Number(process.argv[2]));
  `;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

/**
 * Another process (the CLI, a backup, a worker) holds the SQLite write lock for 5 s: the receiver
 * must keep answering (better-sqlite3's busy timeout would block the event loop the whole time),
 * and the writes made meanwhile complete once the lock is free. Both ways of writing: the writer
 * thread waits for the lock in its own thread, the event loop retries asynchronously.
 */
describe.each(['thread', 'event-loop'] as const)(
  'SQLite write lock held by another process (writes: %s)',
  (sqliteWriter) => {
    let database: IsolatedDatabase;
    let receiver: ReceiverApp;
    let project: TestProject;

    beforeAll(async () => {
      database = await createIsolatedDatabase('sqlite');
      receiver = await createReceiverApp({
        adapter: 'fastify',
        database: database.options,
        options: { sqliteWriter },
      });
      project = await createProject(receiver.app);
      // First pageview of the project creates its salt: done before the lock is taken.
      const warm = await receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody({ url: 'https://shop.example.com/warm' }),
        testHeaders(project.publicKey),
      );
      expect(warm.status).toBe(202);
    });

    afterAll(async () => {
      await receiver?.close();
      await database?.drop();
    });

    it('keeps health and reads answering while the lock is held, and writes complete after', async () => {
      const holder = holdWriteLock((database.options as { database: string }).database, 5_000);
      const exited = once(holder.child, 'exit');
      expect((await holder.lines.next()).value).toBe('locked');
      let released = false;
      const releasedLine = holder.lines.next().then(({ value }) => {
        expect(value).toBe('released');
        released = true;
      });

      const write = receiver.http.post(
        '/api/track/pageview.php',
        pageviewBody({ url: 'https://shop.example.com/during-lock' }),
        testHeaders(project.publicKey),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const health = await receiver.http.get('/api/health.php');
      const healthAnsweredWhileLocked = !released;
      const list = await receiver.http.get('/api/projects/list.php', adminHeaders());
      const readAnsweredWhileLocked = !released;

      expect(health.status).toBe(200);
      expect(healthAnsweredWhileLocked).toBe(true);
      expect(list.status).toBe(200);
      expect(readAnsweredWhileLocked).toBe(true);

      expect((await write).status).toBe(202);
      await releasedLine;
      await exited;
      const stored = await dataSourceOf(receiver.app)
        .getRepository(PageviewEntity)
        .count({ where: { project_id: project.id } });
      expect(stored).toBe(2);
    }, 30_000);
  },
);
