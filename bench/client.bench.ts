/**
 * `npm run bench -- client`: what the client costs the host application.
 *  1. one collection cycle of 1,000 collectors (memory and file stores), against calling the
 *     same 1,000 methods and JSON-encoding their values by hand in the same run;
 *  2. the outbox's memory with 10,000 pending entries (memory and file stores), and the cost of one
 *     more append then (for the file store: durable before it resolves), beside the bare cost of a
 *     write + fdatasync on the same disk in the same run.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryModule,
  type OutboxEntryInput,
  type TelemetryStore,
} from '../lib';
import { FileTelemetryStore } from '../lib/outbox/stores/file.store';
import { MemoryTelemetryStore } from '../lib/outbox/stores/memory.store';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COLLECTORS = 1_000;
const ROUNDS = 20;
const ENTRIES = 10_000;

@Injectable()
class ManyCollectors {}
for (let i = 0; i < COLLECTORS; i++) {
  const name = `metric${i}`;
  Object.defineProperty(ManyCollectors.prototype, name, {
    value: () => ({ count: i, ratio: i / COLLECTORS, label: `metric ${i}` }),
    writable: true,
    configurable: true,
  });
  Telemetry({ key: `metric_${i}`, interval: 60 })(
    ManyCollectors.prototype,
    name,
    Object.getOwnPropertyDescriptor(ManyCollectors.prototype, name)!,
  );
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function collectionCycle(store: TelemetryStore): Promise<number> {
  @Module({
    imports: [
      TelemetryModule.forRoot({ store, manualRegistration: true, maxOutboxEntries: 1_000_000 }),
    ],
    providers: [ManyCollectors],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const collection = app.get(TelemetryCollectionService);
  await collection.collect(); // warm-up
  await store.acknowledge((await store.pending(COLLECTORS)).map((entry) => entry.id));
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const result = await collection.collect();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.collected.length !== COLLECTORS) throw new Error('a collector failed');
    // Drain between rounds (untimed), as the reporter would: every round starts from an empty outbox.
    await store.acknowledge((await store.pending(COLLECTORS)).map((entry) => entry.id));
  }
  await app.close();
  await store.close();
  return median(times);
}

function bareCycle(): number {
  const instance = new ManyCollectors() as unknown as Record<string, () => unknown>;
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    const data: Record<string, unknown> = {};
    for (let i = 0; i < COLLECTORS; i++)
      data[`metric_${i}`] = JSON.parse(JSON.stringify(instance[`metric${i}`]()));
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

const entry = (i: number): OutboxEntryInput => ({
  key: `metric_${i % 50}`,
  value: { count: i, ratio: i / ENTRIES, label: `metric ${i}` },
  collectedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  host: 'bench-host',
});

/** Appends timed one by one once `ENTRIES` are pending (each resolved = on disk for the file store). */
const APPENDS = 300;

interface Spread {
  median: number;
  p90: number;
}

const spread = (times: number[]): Spread => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: median(sorted), p90: sorted[Math.floor(sorted.length * 0.9)] };
};

/**
 * Fills the store with `ENTRIES` entries, then times single appends. Each is paired with a bare
 * write + fdatasync of 150 bytes to a plain file on the same disk, interleaved so both see the same
 * load on this shared machine: that pair is the floor a durable append cannot go below.
 */
async function outboxMemory(
  make: () => TelemetryStore,
  rawPath: string,
): Promise<{ heapMiB: number; append: Spread; disk: Spread }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = make();
  for (let i = 0; i < ENTRIES; i += 500) {
    await store.append(Array.from({ length: 500 }, (_, j) => entry(i + j)));
  }
  gc();
  const heapMiB = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  const raw = await open(rawPath, 'a');
  const line = Buffer.from(`${'x'.repeat(149)}\n`);
  const appends: number[] = [];
  const disk: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    let started = process.hrtime.bigint();
    await store.append([entry(ENTRIES + i)]);
    appends.push(Number(process.hrtime.bigint() - started) / 1e6);
    started = process.hrtime.bigint();
    await raw.write(line);
    await raw.datasync();
    disk.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  await raw.close();
  await store.close();
  return { heapMiB, append: spread(appends), disk: spread(disk) };
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const dir = mkdtempSync(join(tmpdir(), 'telemetry-bench-'));
  try {
    const bare = bareCycle();
    const memory = await collectionCycle(new MemoryTelemetryStore(1_000_000));
    const file = await collectionCycle(new FileTelemetryStore(join(dir, 'cycle.json'), 1_000_000));
    console.log(`Collection cycle of ${COLLECTORS} collectors (median of ${ROUNDS}):`);
    console.log(`  bare calls + JSON round trip : ${bare.toFixed(2)} ms`);
    console.log(
      `  memory store                 : ${memory.toFixed(2)} ms (${(memory / bare).toFixed(1)}x bare, ${((memory * 1000) / COLLECTORS).toFixed(1)} µs per collector)`,
    );
    console.log(
      `  file store (fsync'd writes)  : ${file.toFixed(2)} ms (${(file / bare).toFixed(1)}x bare)`,
    );

    const raw = join(dir, 'raw.log');
    const mem = await outboxMemory(() => new MemoryTelemetryStore(ENTRIES + APPENDS), raw);
    const filePath = join(dir, 'outbox.json');
    const fileOutbox = await outboxMemory(
      () => new FileTelemetryStore(filePath, ENTRIES + APPENDS),
      raw,
    );
    const ms = (s: Spread) => `${s.median.toFixed(3)} / ${s.p90.toFixed(3)} ms`;
    console.log(
      `Outbox with ${ENTRIES} pending entries, one append at a time (median / p90 of ${APPENDS}):`,
    );
    console.log(`  memory store: ${mem.heapMiB.toFixed(2)} MiB heap; one append ${ms(mem.append)}`);
    console.log(
      `  file store  : ${fileOutbox.heapMiB.toFixed(2)} MiB heap, ${(statSync(filePath).size / 1024 / 1024).toFixed(2)} MiB on disk; one append ${ms(fileOutbox.append)} (durable before it resolves)`,
    );
    console.log(
      `  this disk   : bare write + fdatasync of 150 bytes, interleaved with those appends: ${ms(fileOutbox.disk)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
