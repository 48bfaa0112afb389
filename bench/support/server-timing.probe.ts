/**
 * Preloaded (`-r`) into a server process of the tracking benchmark: measures, inside the server,
 * how long each POST took from Node's `request` event to the response's `finish`, and how late
 * the event loop ran its timers (`monitorEventLoopDelay`). wrk's latency also holds the time a
 * request waits in the socket before the loop reads it and the load generator's own scheduling;
 * the two figures together tell a server that is slow from a loop that is blocked.
 *
 * On `SIGWINCH` (a signal Nest's shutdown hooks leave alone) it appends what it measured since
 * the previous one as a JSON line to the file named by `BENCH_TIMING_FILE`, and starts over.
 */
import { appendFileSync } from 'node:fs';
import { Server } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** One measurement window, in milliseconds. */
export interface ServerTiming {
  requests: number;
  serverP50: number;
  serverP99: number;
  serverMax: number;
  loopDelayP99: number;
  loopDelayMax: number;
}

const file = process.env.BENCH_TIMING_FILE;
if (file) {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let durations: number[] = [];
  const emit = Server.prototype.emit as (this: Server, ...args: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const [request, response] = args as [{ method?: string }, NodeJS.EventEmitter];
      if (request.method === 'POST') {
        const start = performance.now();
        response.once('finish', () => durations.push(performance.now() - start));
      }
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
  process.on('SIGWINCH', () => {
    const sorted = durations.sort((a, b) => a - b);
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const timing: ServerTiming = {
      requests: sorted.length,
      serverP50: at(0.5),
      serverP99: at(0.99),
      serverMax: sorted[sorted.length - 1] ?? 0,
      loopDelayP99: loop.percentile(99) / 1e6,
      loopDelayMax: loop.max / 1e6,
    };
    appendFileSync(file, `${JSON.stringify(timing)}\n`);
    durations = [];
    loop.reset();
  });
}
