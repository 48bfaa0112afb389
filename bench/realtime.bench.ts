/**
 * Realtime fan-out: 1,000 WebSocket subscribers of one project's `errors` channel on a receiver
 * process (SQLite, inline queue), while errors arrive over HTTP at 1,000 a second for 10 s.
 * Subscribers (two processes of 500) and the load (its own process, paced from its start time
 * over keep-alive connections) run apart from the receiver and from each other. The same load is
 * sent once before the subscribers connect, to tell the receiver's CPU for ingest from the
 * fan-out's.
 *
 * Measures, over every delivered event: arrival→client (the event's `timestamp`, its arrival at
 * the receiver, so the write and commit are included) and commit→client (`committedAt`, when the
 * writing process committed it: the fan-out alone) p50/p99; deliveries lost (expected = events
 * accepted × subscribers) and how many of those the receiver announced as dropped to slow clients;
 * events/s accepted; receiver CPU per event with and without subscribers; the receiver's RSS idle,
 * with the subscribers, at its peak under load, after the load and after the subscribers left;
 * and the load average (CPU time per event is the figure a loaded machine disturbs least).
 *
 *   npm run bench -- realtime
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReceiverProcess } from '../test/support/receiver-process.client';
import { testHeaders } from '../test/tracking/tracking-fixtures';
import type { LoadReport } from './support/realtime-load';
import type { SubscribersReport } from './support/realtime-subscribers';

const SUBSCRIBERS = 1000;
const SUBSCRIBER_PROCESSES = 2;
/** The target; `REALTIME_BENCH_RATE` runs it at another rate (what a loaded machine carries). */
const EVENTS_PER_SECOND = Number(process.env.REALTIME_BENCH_RATE ?? 1000);
const SECONDS = 10;
/** Time for the last events to reach every client once the load stops. */
const DRAIN_MS = 3000;

const procStatus = (pid: number, field: string): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
  return line ? Math.round(Number(line[1]) / 1024) : NaN;
};
const rssMb = (pid: number): number => procStatus(pid, 'VmRSS');
/** User + system CPU seconds of a process so far. */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The `p`th percentile of a `[value, count]` histogram sorted by value. */
function percentile(histogram: Array<[number, number]>, p: number): number {
  const total = histogram.reduce((sum, [, count]) => sum + count, 0);
  let seen = 0;
  for (const [value, count] of histogram) {
    seen += count;
    if (seen >= (p / 100) * total) return value;
  }
  return NaN;
}

function merge(histograms: Array<Array<[number, number]>>): Array<[number, number]> {
  const sums = new Map<number, number>();
  for (const histogram of histograms) {
    for (const [value, count] of histogram) sums.set(value, (sums.get(value) ?? 0) + count);
  }
  return [...sums].sort((a, b) => a[0] - b[0]);
}

function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`subscriber process exited (${code})`)));
  });
}

function startSubscribers(url: string, key: string, count: number): ChildProcess {
  return fork(join(__dirname, 'support', 'realtime-subscribers.ts'), [url, key, String(count)], {
    execArgv: ['-r', '@swc-node/register'],
  });
}

function sendLoad(url: string, headers: Record<string, string>): Promise<LoadReport> {
  const script = join(__dirname, 'support', 'realtime-load.ts');
  const args = [url, JSON.stringify(headers), String(EVENTS_PER_SECOND), String(SECONDS)];
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as LoadReport)
        : reject(new Error(`load generator exited ${code}`)),
    ),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-realtime-'));
  const receiver = await startReceiverProcess(join(dir, 'receiver.sqlite'), {
    RECEIVER_REALTIME: 'true',
    // One project sends 10,000 errors with its secret key: not what the per-key limit is for.
    RECEIVER_RATE_LIMIT_SECRET_KEY: '0',
  });
  const pid = receiver.child.pid!;
  const { url, secretKey } = receiver.info;
  const subscribers: ChildProcess[] = [];
  try {
    const loadBefore = loadAverage();
    const headers = { ...testHeaders(secretKey), 'Content-Type': 'application/json' };
    await sleep(1000);
    const rssIdle = rssMb(pid);

    // Ingest alone first: what the receiver's CPU spends per event without subscribers.
    let cpuStart = cpuSeconds(pid);
    const bare = await sendLoad(url, headers);
    const bareCpu = cpuSeconds(pid) - cpuStart;
    await sleep(1000);

    const perProcess = SUBSCRIBERS / SUBSCRIBER_PROCESSES;
    for (let i = 0; i < SUBSCRIBER_PROCESSES; i++) {
      subscribers.push(startSubscribers(url, secretKey, perProcess));
    }
    await Promise.all(subscribers.map((child) => nextMessage(child, 'ready')));
    await sleep(1000);
    const rssConnected = rssMb(pid);

    let rssPeak = rssConnected;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 250);
    cpuStart = cpuSeconds(pid);
    const load = await sendLoad(url, headers);
    await sleep(DRAIN_MS);
    clearInterval(sampler);
    const cpuUsed = cpuSeconds(pid) - cpuStart;
    const rssAfter = rssMb(pid);
    const loadDuring = loadAverage();

    const reports = await Promise.all(
      subscribers.map((child) => {
        const report = nextMessage<SubscribersReport>(child, 'report');
        child.send({ type: 'report' });
        return report;
      }),
    );
    for (const child of subscribers) child.send({ type: 'close' });
    await sleep(2000);
    const rssLeft = rssMb(pid);

    const delivered = reports.reduce((sum, r) => sum + r.delivered, 0);
    const announced = reports.reduce((sum, r) => sum + r.announcedDropped, 0);
    const frames = reports.reduce((sum, r) => sum + r.frames, 0);
    const fewest = Math.min(...reports.map((r) => r.fewest));
    const arrival = merge(reports.map((r) => r.arrival));
    const commit = merge(reports.map((r) => r.commit));
    const expected = load.accepted * SUBSCRIBERS;
    const lost = expected - delivered;
    const rate = (report: LoadReport) => Math.round(report.accepted / report.seconds);
    // Receiver CPU per event with 1,000 subscribers minus without: the fan-out's own cost.
    const bareMsPerEvent = (bareCpu * 1000) / Math.max(1, bare.accepted);
    const msPerEvent = (cpuUsed * 1000) / Math.max(1, load.accepted);
    const fanoutMsPerEvent = msPerEvent - bareMsPerEvent;
    const ms = (histogram: Array<[number, number]>, p: number) => `${percentile(histogram, p)} ms`;
    console.log(
      `ingest alone: ${bare.sent} errors in ${bare.seconds.toFixed(1)} s, ${bare.accepted} ` +
        `accepted (${rate(bare)}/s), receiver CPU ${bareMsPerEvent.toFixed(2)} ms per event`,
    );
    console.log(
      `with ${SUBSCRIBERS} subscribers: ${load.sent} errors sent in ${load.seconds.toFixed(1)} s ` +
        `(target ${EVENTS_PER_SECOND}/s), ${load.accepted} accepted (${rate(load)}/s), refused ` +
        `${JSON.stringify(load.refused)}; receiver CPU ${msPerEvent.toFixed(2)} ms per event, ` +
        `of which fan-out ${fanoutMsPerEvent.toFixed(2)} ms (${SUBSCRIBERS} deliveries)`,
    );
    console.log(
      `CPU seconds used: receiver ${cpuUsed.toFixed(1)} (load+drain), load process ` +
        `${load.cpuSeconds.toFixed(1)}, subscriber processes ` +
        `${reports.map((r) => r.cpuSeconds.toFixed(1)).join(' + ')}`,
    );
    console.log(
      `deliveries: ${delivered} of ${expected}, lost ${lost} (announced as dropped ${announced}); ` +
        `fewest events one client got ${fewest} of ${load.accepted}; ${frames} frames ` +
        `(${(delivered / Math.max(1, frames)).toFixed(1)} events/frame)`,
    );
    console.log(
      `latency: arrival→client p50 ${ms(arrival, 50)}, p99 ${ms(arrival, 99)}, max ` +
        `${ms(arrival, 100)}; commit→client p50 ${ms(commit, 50)}, p99 ${ms(commit, 99)}, max ` +
        `${ms(commit, 100)}`,
    );
    console.log(
      `receiver RSS: ${rssIdle} MB idle, ${rssConnected} MB with ${SUBSCRIBERS} subscribers, ` +
        `peak ${rssPeak} MB under load, ${rssAfter} MB after, ${rssLeft} MB once they left; ` +
        `load average ${loadBefore} before, ${loadDuring} after`,
    );
    console.log(
      `» realtime: ${SUBSCRIBERS} WebSocket subscribers, ${rate(load)} events/s accepted ` +
        `(target ${EVENTS_PER_SECOND}): commit→client p50 ${ms(commit, 50)} / p99 ` +
        `${ms(commit, 99)}, arrival→client p50 ${ms(arrival, 50)} / p99 ${ms(arrival, 99)}, ` +
        `lost ${lost} of ${expected}; fan-out ${fanoutMsPerEvent.toFixed(2)} ms receiver CPU per ` +
        `event (${((fanoutMsPerEvent * EVENTS_PER_SECOND) / 10).toFixed(0)} % of a core at ` +
        `${EVENTS_PER_SECOND}/s); RSS ${rssIdle} → ${rssConnected} → peak ${rssPeak} → ` +
        `${rssAfter} MB (load avg ${loadDuring})`,
    );
  } finally {
    for (const child of subscribers) if (child.exitCode === null) child.kill();
    receiver.child.kill('SIGTERM');
    await receiver.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
