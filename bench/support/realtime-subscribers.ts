/**
 * Child process of bench/realtime.bench.ts: opens `count` WebSocket subscribers of one project's
 * `errors` channel and measures, for every delivered event, arrival→client (its `timestamp`) and
 * commit→client (its `committedAt`) in 1 ms buckets, without parsing the JSON (a thousand clients
 * at a thousand events a second would otherwise need more CPU than the receiver).
 *
 * Parent → child: `{ type: 'report' }` (send the figures), `{ type: 'close' }`.
 * Child → parent: `{ type: 'ready' }` once every socket is open, then the report.
 */
import WebSocket from 'ws';

export interface SubscribersReport {
  type: 'report';
  clients: number;
  /** Events received, all clients together. */
  delivered: number;
  /** Fewest and most events one client received. */
  fewest: number;
  most: number;
  /** Events the receiver announced as dropped (`dropped` notices), all clients together. */
  announcedDropped: number;
  frames: number;
  /** CPU seconds this process used. */
  cpuSeconds: number;
  /** `[latency ms, how many]` pairs. */
  arrival: Array<[number, number]>;
  commit: Array<[number, number]>;
}

const MAX_MS = 120_000;
const TIMESTAMP = Buffer.from('"timestamp":');
const COMMITTED = Buffer.from('"committedAt":');
const DROPPED = /\{"channel":"dropped","data":\{"count":(\d+)\}\}\]$/;

/** Adds `now - t` to `histogram` for every `"<field>":t` in `frame`; returns how many. */
function record(frame: Buffer, field: Buffer, now: number, histogram: Uint32Array): number {
  let found = 0;
  for (let at = frame.indexOf(field); at !== -1; at = frame.indexOf(field, at)) {
    at += field.length;
    let value = 0;
    for (let byte = frame[at]; byte >= 48 && byte <= 57; byte = frame[++at]) {
      value = value * 10 + byte - 48;
    }
    histogram[Math.min(MAX_MS, Math.max(0, now - value))]++;
    found++;
  }
  return found;
}

const pairs = (histogram: Uint32Array): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  histogram.forEach((count, ms) => count && out.push([ms, count]));
  return out;
};

async function main(): Promise<void> {
  const [url, key, countText] = process.argv.slice(2);
  const count = Number(countText);
  const arrival = new Uint32Array(MAX_MS + 1);
  const commit = new Uint32Array(MAX_MS + 1);
  const perClient = new Array<number>(count).fill(0);
  const droppedPerClient = new Array<number>(count).fill(0);
  let frames = 0;
  const sockets: WebSocket[] = [];
  const open = (index: number): Promise<void> => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/api/realtime?channels=errors`, {
      headers: { 'X-API-Key': key },
    });
    socket.on('message', (data: Buffer) => {
      const now = Date.now();
      frames++;
      perClient[index] += record(data, TIMESTAMP, now, arrival);
      record(data, COMMITTED, now, commit);
      // A catching-up client's frame ends with the count of what it missed so far (a total).
      const notice = DROPPED.exec(data.subarray(-64).toString('latin1'));
      if (notice) droppedPerClient[index] = Number(notice[1]);
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  };
  // A few at a time: a thousand handshakes at once would only measure the accept queue.
  for (let i = 0; i < count; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) => open(i + j)));
  }
  process.send!({ type: 'ready' });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'report') {
      const report: SubscribersReport = {
        type: 'report',
        clients: count,
        delivered: perClient.reduce((a, b) => a + b, 0),
        fewest: Math.min(...perClient),
        most: Math.max(...perClient),
        announcedDropped: droppedPerClient.reduce((a, b) => a + b, 0),
        frames,
        cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
        arrival: pairs(arrival),
        commit: pairs(commit),
      };
      process.send!(report);
    } else if (message.type === 'close') {
      sockets.forEach((socket) => socket.terminate());
      process.exit(0);
    }
  });
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
