/**
 * A lower bound of the ingest benchmarks: the least any server can do that answers only once the
 * event is committed to SQLite. A bare Fastify route (no Nest, no guards, no validation, no
 * enrichment, no visitors, sessions, samples or rollups) that stores each request body as one row
 * (with a unique event id and two indexes, as the receiver's event tables have) in a WAL file with
 * `synchronous = NORMAL`, and answers 202 once the batch holding it commits. Batches are group
 * commits: a batch starts as soon as the writer is free, with every request that arrived
 * meanwhile. Checkpoints are off for the run (the WAL only grows): its most favourable case.
 *
 * The writer commits on the event loop (better-sqlite3 is synchronous) or in a worker thread (the
 * HTTP side keeps the loop). Bare Fastify / floor is the price of a commit per batch on this
 * machine; floor / receiver is what the receiver does beyond it. Run as a script (`FLOOR_WRITER`
 * `loop` or `thread`, `FLOOR_FILE`), it prints its URL.
 */
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** event id, subject (visitor or host), body, user agent, time. */
type Row = [string, string, string, string, number];

export type FloorWriter = 'loop' | 'thread';

export interface RunningFloor {
  port: number;
  /** Rows committed so far. */
  stored(): number;
  close(): Promise<void>;
}

/** Opens the file and returns a function that commits one batch of rows. */
function openWriter(file: string): (rows: Row[]) => void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec(
    'CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, ' +
      'subject TEXT, body TEXT, user_agent TEXT, created_at INTEGER);' +
      'CREATE INDEX IF NOT EXISTS events_time ON events (created_at);' +
      'CREATE INDEX IF NOT EXISTS events_subject ON events (subject);',
  );
  const insert = db.prepare(
    'INSERT INTO events (event_id, subject, body, user_agent, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  return db.transaction((rows: Row[]) => {
    for (const row of rows) insert.run(...row);
  });
}

/** Starts the floor server on a free port. */
export async function startFloor(file: string, writer: FloorWriter): Promise<RunningFloor> {
  const worker = writer === 'thread' ? new Worker(__filename, { workerData: { file } }) : undefined;
  const onLoop = worker ? undefined : openWriter(file);
  let committed = 0;

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
      committed += batch.length;
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
        onLoop!(rows);
        finished();
      });
    }
  };

  const app = Fastify();
  app.post('/*', (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const subject = body?.visitor_id ?? body?.host;
    if (typeof subject !== 'string') {
      return reply.code(400).send({ success: false, message: 'bad' });
    }
    const row: Row = [
      randomUUID(),
      subject,
      JSON.stringify(body),
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
  return {
    port: (app.server.address() as { port: number }).port,
    stored: () => committed,
    close: async () => {
      await app.close();
      await worker?.terminate();
    },
  };
}

if (!isMainThread) {
  const commit = openWriter((workerData as { file: string }).file);
  parentPort!.on('message', (rows: Row[]) => {
    commit(rows);
    parentPort!.postMessage(rows.length);
  });
} else if (require.main === module) {
  void startFloor(process.env.FLOOR_FILE!, process.env.FLOOR_WRITER as FloorWriter).then(
    ({ port }) => process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n'),
  );
}
