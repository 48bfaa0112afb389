/**
 * A process that uses a file outbox, for crash and locking tests. Prints one line per event:
 *
 *   node -r @swc-node/register test/support/outbox-process.ts write <file> <first value>
 *     appends values first, first+1, … forever, printing `added <v>` once each append resolved;
 *     every 25 values it acknowledges the oldest pending ones, printing `acking <v> <v> …` before
 *     and `acked` after (which also makes the journal compact itself from time to time);
 *   node -r @swc-node/register test/support/outbox-process.ts hold <file> <ms>
 *     takes the store's file lock, prints `locked`, holds it <ms> (then prints `releasing`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FileLock } from '../../lib/outbox/stores/file-lock';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';

const print = (line: string) => process.stdout.write(`${line}\n`);

async function write(path: string, first: number): Promise<void> {
  const store = new FileTelemetryStore(path, 1_000_000);
  for (let value = first; ; value++) {
    await store.append([
      { key: `k${value % 7}`, value, collectedAt: new Date().toISOString(), host: 'crash-host' },
    ]);
    print(`added ${value}`);
    if (value % 25 === 0) {
      const oldest = await store.pending(20);
      print(`acking ${oldest.map((entry) => entry.value).join(' ')}`);
      await store.acknowledge(oldest.map((entry) => entry.id));
      print('acked');
    }
  }
}

async function hold(path: string, ms: number): Promise<void> {
  await new FileLock(path).run(async () => {
    print('locked');
    await sleep(ms);
    print('releasing');
  });
}

const [mode, path, arg] = process.argv.slice(2);
const run = mode === 'write' ? write(path, Number(arg)) : hold(path, Number(arg));
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
