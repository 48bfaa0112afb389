/**
 * A lower bound of the tracking benchmark: the least any server can do that answers 202 only
 * once the pageview is committed to SQLite. A bare Fastify route (no Nest, no guards, no
 * validation beyond `url`, no enrichment, no visitors, sessions or rollups) that stores each
 * pageview as one row (with a unique event id and two indexes, as the receiver's pageview table
 * has) in a WAL file with `synchronous = NORMAL`, and answers once the batch holding it commits.
 * Batches are group commits: a batch starts as soon as the writer is free, with every request
 * that arrived meanwhile. Checkpoints are off for the run (the WAL only grows), its most
 * favourable case.
 *
 * `FLOOR_WRITER=loop` commits on the event loop (better-sqlite3 is synchronous), `thread` in a
 * worker thread (the HTTP side keeps the loop). What separates the receiver from bare Fastify and
 * this floor from bare Fastify tell apart the receiver's own costs from the price of a commit on
 * this machine. Prints its URL.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

type Row = [string, string, string, string, string, string, string, number];

/** Opens the file and returns a function that commits one batch of rows. */
function openWriter(file: string): (rows: Row[]) => void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(
    'CREATE TABLE IF NOT EXISTS pageviews (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, ' +
      'visitor_id TEXT, session_token TEXT, url TEXT, page_title TEXT, referrer TEXT, ' +
      'user_agent TEXT, created_at INTEGER);' +
      'CREATE INDEX IF NOT EXISTS pageviews_time ON pageviews (created_at);' +
      'CREATE INDEX IF NOT EXISTS pageviews_visitor ON pageviews (visitor_id);',
  );
  const insert = db.prepare(
    'INSERT INTO pageviews (event_id, visitor_id, session_token, url, page_title, referrer, ' +
      'user_agent, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return db.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row);
  });
}

if (!isMainThread) {
  const commit = openWriter((workerData as { file: string }).file);
  parentPort!.on('message', (rows: Row[]) => {
    commit(rows);
    parentPort!.postMessage(rows.length);
  });
} else {
  void main();
}

async function main(): Promise<void> {
  const file = process.env.FLOOR_FILE!;
  const inThread = process.env.FLOOR_WRITER === 'thread';
  const worker = inThread ? new Worker(__filename, { workerData: { file } }) : undefined;
  const commitOnLoop = inThread ? undefined : openWriter(file);

  let waiting: Array<{ row: Row; done: () => void }> = [];
  let writing = false;
  /** Commits what waits, unless a batch is being written: it starts the next one when done. */
  const commitWaiting = (): void => {
    if (writing || waiting.length === 0) return;
    writing = true;
    const batch = waiting;
    waiting = [];
    const finished = (): void => {
      writing = false;
      for (const entry of batch) entry.done();
      commitWaiting();
    };
    const rows = batch.map((entry) => entry.row);
    if (worker) {
      worker.once('message', finished);
      worker.postMessage(rows);
    } else {
      // One turn of the loop first, so that the requests already read join the batch.
      setImmediate(() => {
        commitOnLoop!(rows);
        finished();
      });
    }
  };

  const app = Fastify();
  app.post('/api/track/pageview.php', (request, reply) => {
    const body = request.body as Record<string, string> | undefined;
    if (typeof body?.url !== 'string') {
      return reply.code(400).send({ success: false, message: 'bad' });
    }
    const row: Row = [
      randomUUID(),
      body.visitor_id ?? '',
      body.session_token ?? '',
      body.url,
      body.page_title ?? '',
      body.referrer ?? '',
      request.headers['user-agent'] ?? '',
      Date.now(),
    ];
    return new Promise<void>((resolve) => {
      waiting.push({
        row,
        done: () => {
          void reply.code(202).send({ success: true, message: 'OK', data: { queued: true } });
          resolve();
        },
      });
      commitWaiting();
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }) + '\n');
}
