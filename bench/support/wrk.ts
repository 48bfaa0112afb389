import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** What one wrk run measured. */
export interface WrkResult {
  /** Responses with a 2xx status (all responses minus wrk's "Non-2xx or 3xx"). */
  ok: number;
  seconds: number;
  /** 2xx responses per second. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  socketErrors: number;
}

export interface WrkLoad {
  url: string;
  connections: number;
  seconds: number;
  /**
   * A Lua script of bench/support/wrk/ that builds each request (`pageview`, `telemetry-report`);
   * without one, wrk repeats a plain GET of `url`.
   */
  script?: string;
  headers?: Record<string, string>;
  /** wrk threads (default 2); one connection needs one thread. */
  threads?: number;
}

const SCRIPTS = join(__dirname, 'wrk');
let runs = 0;

/**
 * Runs `wrk` (the Debian package) on two threads with latency percentiles and parses its
 * summary. wrk is a C load generator: unlike autocannon it does not saturate before a bare
 * Fastify route does on two cores.
 */
export function wrk(load: WrkLoad): Promise<WrkResult> {
  const script = load.script ? ['-s', join(SCRIPTS, `${load.script}.lua`)] : [];
  const headers = load.script
    ? { 'Content-Type': 'application/json', ...load.headers }
    : load.headers;
  const args = [
    `-t${load.threads ?? 2}`,
    `-c${load.connections}`,
    `-d${load.seconds}s`,
    '--latency',
    ...script,
    ...Object.entries(headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
    load.url,
    '--',
    `${process.pid}.${++runs}`,
    String(runs),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += String(chunk)));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      try {
        resolve(parse(out));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function millis(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk latency not understood: ${text}`);
  return Number(match[1]) * UNITS[match[2]];
}

function parse(out: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(s|m)/.exec(out);
  if (!total) throw new Error(`wrk output not understood:\n${out}`);
  const seconds = Number(total[2]) * (total[3] === 'm' ? 60 : 1);
  const percentile = (p: string) => millis(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)![1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const ok = Number(total[1]) - non2xx;
  return {
    ok,
    seconds,
    rate: ok / seconds,
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    non2xx,
    socketErrors,
  };
}
