import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';

const SCRIPT = join(__dirname, '..', 'support', 'outbox-process.ts');

interface OutboxProcess {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first line equal to `text` (or starting with it). */
  waitFor(text: string): Promise<void>;
  /** Resolves once the process ended and all its output was read. */
  exited: Promise<void>;
}

function startOutboxProcess(args: string[]): OutboxProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', SCRIPT, ...args], {
    cwd: join(__dirname, '..', '..'),
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ text: string; done: () => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (line.startsWith(waiter.text)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.done();
      }
    }
  });
  // 'close', not 'exit': at 'exit' the child's last lines may still be unread in the pipe, and a
  // missed `acking` line would count the values it acknowledged as lost.
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    lines,
    exited,
    waitFor: (text) =>
      new Promise((resolve, reject) => {
        if (lines.some((line) => line.startsWith(text))) return resolve();
        waiters.push({ text, done: resolve });
        void exited.then(() => reject(new Error(`process ended before "${text}": ${stderr}`)));
      }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('file outbox store across processes', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'telemetry-outbox-processes-'));
    path = join(dir, 'outbox.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no resolved value when a writer is killed with SIGKILL at random moments', async () => {
    const resolved = new Set<number>();
    /** Values whose acknowledgement started: pending or not, depending on when the kill came. */
    const acknowledging = new Set<number>();
    /** Values whose acknowledgement resolved: they must never come back. */
    const acknowledged = new Set<number>();
    const ITERATIONS = 12;
    for (let round = 0; round < ITERATIONS; round++) {
      const first = round * 1_000_000;
      const writer = startOutboxProcess(['write', path, String(first)]);
      // Eleven values in before the timer starts: on a loaded machine a round must not kill a
      // writer that has barely written (the count checked at the end holds whatever the load).
      await writer.waitFor(`added ${first + 10}`);
      // Somewhere in an append, an acknowledgement or a compaction: the timer does not know.
      await sleep(50 + Math.floor(Math.random() * 400));
      writer.child.kill('SIGKILL');
      await writer.exited;
      let inFlight: number[] = [];
      for (const line of writer.lines) {
        const [event, ...values] = line.split(' ');
        if (event === 'added') resolved.add(Number(values[0]));
        if (event === 'acking') inFlight = values.map(Number);
        inFlight.forEach((value) => acknowledging.add(value));
        if (event === 'acked') inFlight.forEach((value) => acknowledged.add(value));
      }

      // A restart: the journal opens at once (the dead writer's lock is taken over) and parses.
      const store = new FileTelemetryStore(path, 1_000_000);
      const pending = new Set((await store.pending(1_000_000)).map((e) => e.value as number));
      const lost = [...resolved].filter((v) => !acknowledging.has(v) && !pending.has(v));
      const resurrected = [...acknowledged].filter((v) => pending.has(v));
      expect({ round, lost, resurrected }).toEqual({ round, lost: [], resurrected: [] });
      await store.close();
      // The writer's leftovers (its lock, its identity file, a half-written compaction) are gone.
      expect(readdirSync(dir).filter((name) => name !== 'outbox.json')).toEqual([]);
    }
    expect(resolved.size).toBeGreaterThan(ITERATIONS * 10);
    expect(acknowledged.size).toBeGreaterThan(0);
    // Twelve writer starts (each compiles its TypeScript) take minutes on a loaded 2-core CI box.
  }, 300_000);

  it('waits for a live holder however long it holds the lock, then writes', async () => {
    const holder = startOutboxProcess(['hold', path, '11000']);
    await holder.waitFor('locked');
    const store = new FileTelemetryStore(path);
    let appendedAt = 0;
    const append = store
      .append([{ key: 'k', value: 1, collectedAt: new Date().toISOString(), host: 'h' }])
      .then(() => (appendedAt = Date.now()));
    await holder.waitFor('releasing');
    const releasedAt = Date.now();
    await append;
    await holder.exited;
    // 0.x took a lock older than 10 s over even while its holder was alive; 1.0 waits for it.
    expect(appendedAt).toBeGreaterThanOrEqual(releasedAt);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([1]);
    await store.close();
  }, 30_000);

  it('takes over the lock of a holder killed with SIGKILL without waiting for it to expire', async () => {
    const holder = startOutboxProcess(['hold', path, '600000']);
    await holder.waitFor('locked');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const store = new FileTelemetryStore(path);
    const started = Date.now();
    await store.append([{ key: 'k', value: 1, collectedAt: new Date().toISOString(), host: 'h' }]);
    // No expiry involved: the holder's pid is dead, which is known at once (0.x waited 10 s).
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([1]);
    await store.close();
    expect(readdirSync(dir)).toEqual(['outbox.json']);
  }, 30_000);
});
