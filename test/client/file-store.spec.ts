import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryReporter,
  type OutboxEntryInput,
} from '../../lib';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';
import { TestTelemetryReceiver } from '../support/telemetry-test-receiver';
import { captureTelemetryLogs, startTelemetryApp } from './fixtures/telemetry-app.fixture';

const entry = (value: number): OutboxEntryInput => ({
  key: 'k',
  value,
  collectedAt: new Date(Date.UTC(2025, 7, 3, 10, 0, value)).toISOString(),
  host: 'h',
});

describe('file outbox store', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'telemetry-file-store-'));
    path = join(dir, 'nested', 'outbox.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the backlog across an application restart and sends it after', async () => {
    let generation = 0;
    @Injectable()
    class Stats {
      @Telemetry({ key: 'generation' })
      value(): number {
        return generation;
      }
    }
    const receiver = await TestTelemetryReceiver.create();
    await receiver.stop(); // the receiver is down while the first instance runs
    const options = {
      store: 'file',
      storePath: path,
      serverUrl: receiver.url,
      manualRegistration: true,
      host: 'h',
    };

    generation = 1;
    const first = await startTelemetryApp([Stats], options);
    await first.get(TelemetryCollectionService).collect();
    expect(await first.get(TelemetryReporter).sendBacklog()).toMatchObject({ status: 'failed' });
    await first.close();

    await receiver.start();
    generation = 2;
    const second = await startTelemetryApp([Stats], options);
    await second.get(TelemetryCollectionService).collect();
    await second.get(TelemetryReporter).sendBacklog();
    await second.close();
    await receiver.stop();

    expect(receiver.dataReceived).toEqual([{ generation: 1 }, { generation: 2 }]);
  });

  it('writes atomically: a valid file after every change and no temporary files left behind', async () => {
    const store = new FileTelemetryStore(path);
    for (let i = 0; i < 20; i++) await store.append([entry(i)]);
    await store.acknowledge([1, 2, 3]);
    await store.setValue('auth-token', 'abc');
    await store.close();
    expect(readdirSync(join(dir, 'nested'))).toEqual(['outbox.json']);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc.entries).toHaveLength(17);
    expect(doc.values['auth-token']).toBe('abc');
  });

  it('moves an unreadable file aside with an error and starts a new outbox', async () => {
    const logs = captureTelemetryLogs();
    const store = new FileTelemetryStore(path);
    await store.append([entry(1)]);
    writeFileSync(path, '{"version":1,"entries":[{"id":1,', 'utf8');
    await store.append([entry(2)]);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([2]);
    expect(
      readdirSync(join(dir, 'nested')).some((name) => name.startsWith('outbox.json.corrupt-')),
    ).toBe(true);
    expect(logs.error.some((line) => line.includes('could not be read'))).toBe(true);
    logs.restore();
  });

  it('loses nothing when two processes append to the same file concurrently', async () => {
    const a = new FileTelemetryStore(path);
    const b = new FileTelemetryStore(path);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).append([entry(i)])),
    );
    const values = (await a.pending(100)).map((e) => e.value as number).sort((x, y) => x - y);
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('drops the oldest entries beyond maxOutboxEntries', async () => {
    const store = new FileTelemetryStore(path, 5);
    expect(await store.append([1, 2, 3, 4, 5, 6, 7, 8].map(entry))).toBe(3);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([4, 5, 6, 7, 8]);
  });

  it('gives a lock to one holder at a time until it is released or expires', async () => {
    const a = new FileTelemetryStore(path);
    const b = new FileTelemetryStore(path);
    const lock = await a.acquireLock('report', 60_000);
    expect(lock).toBeDefined();
    expect(await b.acquireLock('report', 60_000)).toBeUndefined();
    await lock!.release();
    expect(await b.acquireLock('report', 60_000)).toBeDefined();
    expect(await a.acquireLock('short', 1)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await b.acquireLock('short', 1)).toBeDefined();
  });

  it('takes over the lock file a crashed process left behind', async () => {
    const store = new FileTelemetryStore(path);
    await store.append([entry(1)]);
    const lockFile = `${path}.lock`;
    writeFileSync(lockFile, '');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lockFile, anHourAgo, anHourAgo);
    await store.append([entry(2)]);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([1, 2]);
    expect(existsSync(lockFile)).toBe(false);
  });
});
