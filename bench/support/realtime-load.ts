/**
 * Child process of bench/realtime.bench.ts: sends errors to the receiver at a steady rate for a
 * number of seconds over keep-alive connections, each send scheduled from the start time (a late
 * timer catches up instead of lowering the rate), and reports what it sent and what was accepted.
 *
 *   node -r @swc-node/register bench/support/realtime-load.ts <url> <headers-json> <rate> <seconds>
 */
import { Agent, request } from 'node:http';

export interface LoadReport {
  sent: number;
  /** Answered 202. */
  accepted: number;
  /** Other answers and failed requests, by status (`error` for a failed connection). */
  refused: Record<string, number>;
  /** From the first send to the last answer. */
  seconds: number;
  /** The start time (epoch ms), to line up with the subscribers' figures. */
  startedAt: number;
  /** CPU seconds this process used (to tell a starved load generator from a slow receiver). */
  cpuSeconds: number;
}

const TICK_MS = 5;

async function main(): Promise<void> {
  const [url, headersJson, rateText, secondsText] = process.argv.slice(2);
  const rate = Number(rateText);
  const seconds = Number(secondsText);
  const target = new URL('/api/track/error.php', url);
  const headers = { ...(JSON.parse(headersJson) as Record<string, string>) };
  // The inline queue answers once the event committed: at 1,000/s and a few hundred ms per commit
  // on a loaded machine, hundreds of requests are in flight.
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const report: LoadReport = {
    sent: 0,
    accepted: 0,
    refused: {},
    seconds: 0,
    startedAt: 0,
    cpuSeconds: 0,
  };
  const total = rate * seconds;
  let answered = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const answer = (status: string): void => {
    if (status === '202') report.accepted++;
    else report.refused[status] = (report.refused[status] ?? 0) + 1;
    if (++answered === total) done();
  };
  const send = (n: number): void => {
    const body = JSON.stringify({ message: `bench ${n % 50}`, error_type: 'BenchError' });
    const outgoing = request(target, {
      method: 'POST',
      agent,
      headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
    });
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => answer(String(response.statusCode)));
    });
    outgoing.on('error', () => answer('error'));
    outgoing.end(body);
  };
  report.startedAt = Date.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((Date.now() - report.startedAt) * rate) / 1000));
      while (report.sent < due) send(report.sent++);
      if (report.sent >= total) resolve();
      else setTimeout(tick, TICK_MS);
    };
    tick();
  });
  await finished;
  report.seconds = (Date.now() - report.startedAt) / 1000;
  const cpu = process.cpuUsage();
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  agent.destroy();
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
