/**
 * Realtime fan-out: 1,000 WebSocket subscribers of one project on a receiver process (SQLite,
 * inline queue), while 1,000 errors per second arrive over HTTP for 5 s. Measures delivery
 * latency from the event's arrival at the receiver (so it includes the commit) to each client,
 * p50/p99 over every delivered message, deliveries lost, and the receiver's RSS before the
 * subscribers connect and after the run.
 *
 *   npm run bench -- realtime
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startReceiverProcess } from '../test/support/receiver-process.client';
import { testHeaders } from '../test/tracking/tracking-fixtures';

const SUBSCRIBERS = 1000;
const EVENTS_PER_SECOND = 1000;
const SECONDS = 5;
const TICK_MS = 20;

const rssMb = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sends EVENTS_PER_SECOND errors a second for SECONDS from a child process. */
function sendLoad(url: string, key: string): Promise<{ sent: number; accepted: number }> {
  const headers = JSON.stringify({ ...testHeaders(key), 'Content-Type': 'application/json' });
  const script = `
    const perTick = ${(EVENTS_PER_SECOND * TICK_MS) / 1000};
    let sent = 0, accepted = 0; const pending = []; const started = Date.now();
    const tick = () => {
      if (Date.now() - started >= ${SECONDS * 1000}) {
        return Promise.all(pending).then(() => console.log(JSON.stringify({ sent, accepted })));
      }
      for (let i = 0; i < perTick; i++) {
        const n = sent++;
        pending.push(fetch('${url}/api/track/error.php', { method: 'POST', headers: ${headers},
          body: JSON.stringify({ message: 'bench ' + (n % 50), error_type: 'BenchError' }) })
          .then(async (r) => { await r.arrayBuffer(); if (r.status === 202) accepted++; }, () => undefined));
      }
      setTimeout(tick, ${TICK_MS});
    };
    tick();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-realtime-'));
  const receiver = await startReceiverProcess(join(dir, 'receiver.sqlite'), {
    RECEIVER_REALTIME: 'true',
  });
  const pid = receiver.child.pid!;
  const { url, secretKey } = receiver.info;
  try {
    await sleep(500);
    const rssBefore = rssMb(pid);
    const latencies: number[] = [];
    let delivered = 0;
    const sockets: WebSocket[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/api/realtime?channels=errors`, {
        headers: { 'X-API-Key': secretKey },
      });
      socket.on('message', (data: Buffer) => {
        // Cheap parse: the timestamp field only (1,000 clients × 1,000 messages/s).
        const text = data.toString();
        const at = /"timestamp":(\d+)/.exec(text);
        if (!at) return;
        delivered++;
        latencies.push(Date.now() - Number(at[1]));
      });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      sockets.push(socket);
    }
    const rssConnected = rssMb(pid);

    // The load comes from its own process: this one is busy receiving for 1,000 clients.
    const started = Date.now();
    const { sent, accepted } = await sendLoad(url, secretKey);
    const elapsed = (Date.now() - started) / 1000;
    await sleep(2000);
    const rssAfter = rssMb(pid);
    sockets.forEach((socket) => socket.terminate());

    latencies.sort((a, b) => a - b);
    const expected = accepted * SUBSCRIBERS;
    console.log(
      `subscribers ${SUBSCRIBERS}, errors sent ${sent} in ${elapsed.toFixed(1)} s, accepted ${accepted}`,
    );
    console.log(
      `deliveries ${delivered} of ${expected} (${((delivered / expected) * 100).toFixed(2)} %)`,
    );
    console.log(
      `» realtime: ${SUBSCRIBERS} WebSocket subscribers, ${Math.round(accepted / elapsed)} events/s in: ` +
        `arrival→client p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms; ` +
        `receiver RSS ${rssBefore} MB idle → ${rssConnected} MB with subscribers → ${rssAfter} MB after`,
    );
  } finally {
    receiver.child.kill('SIGTERM');
    await receiver.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
