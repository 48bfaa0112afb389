import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
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
import { encodeRecord } from '../../lib/outbox/stores/journal-record';
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
    receiver.interrupt(); // the receiver is down while the first instance runs
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

    receiver.resume();
    generation = 2;
    const second = await startTelemetryApp([Stats], options);
    await second.get(TelemetryCollectionService).collect();
    await second.get(TelemetryReporter).sendBacklog();
    await second.close();
    await receiver.stop();

    expect(receiver.dataReceived).toEqual([{ generation: 1 }, { generation: 2 }]);
  });

  it('keeps every change in the journal: a new instance reads the same backlog and values', async () => {
    const store = new FileTelemetryStore(path);
    for (let i = 0; i < 20; i++) await store.append([entry(i)]);
    await store.acknowledge([1, 2, 3]);
    await store.setValue('auth-token', 'abc');
    await store.close();
    // No temporary file, no lock and no identity file left behind by a clean close.
    expect(readdirSync(join(dir, 'nested'))).toEqual(['outbox.json']);
    const reopened = new FileTelemetryStore(path);
    expect((await reopened.pending(100)).map((e) => e.value)).toEqual(
      Array.from({ length: 17 }, (_, i) => i + 3),
    );
    expect(await reopened.getValue('auth-token')).toBe('abc');
    expect(await reopened.append([entry(99)])).toBe(0);
    expect((await reopened.pending(100)).at(-1)).toMatchObject({ id: 21, value: 99 });
    await reopened.close();
  });

  it('converts a 0.x outbox.json on first start, keeping ids, values and the backlog', async () => {
    const logs = captureTelemetryLogs();
    mkdirSync(join(dir, 'nested'));
    const legacy = {
      version: 1,
      nextId: 9,
      entries: [5, 6, 7].map((id) => ({ id, ...entry(id) })),
      values: { 'laravel-telemetry-reporter:auth_token': 'tok', flags: { beta: true } },
      locks: {},
    };
    writeFileSync(path, JSON.stringify(legacy), 'utf8');
    const store = new FileTelemetryStore(path);
    expect(await store.pending(10)).toEqual(legacy.entries);
    expect(await store.getValue('laravel-telemetry-reporter:auth_token')).toBe('tok');
    expect(await store.getValue('flags')).toEqual({ beta: true });
    await store.append([entry(8)]);
    expect((await store.pending(10)).map((e) => e.id)).toEqual([5, 6, 7, 9]);
    await store.close();
    expect(readFileSync(path, 'utf8').startsWith('{')).toBe(false);
    expect(logs.log.some((line) => line.includes('converted from the 0.x document'))).toBe(true);
    logs.restore();
    // Converted once: a second start reads the journal as it is.
    const again = new FileTelemetryStore(path);
    expect((await again.pending(10)).map((e) => e.id)).toEqual([5, 6, 7, 9]);
    await again.close();
  });

  it('drops a record torn by a crash at the end, and keeps every record before it', async () => {
    const logs = captureTelemetryLogs();
    const store = new FileTelemetryStore(path);
    for (let i = 1; i <= 3; i++) await store.append([entry(i)]);
    await store.close();
    // The first bytes of a fourth record, as a SIGKILL in the middle of a write leaves them.
    const fourth = encodeRecord({ op: 'add', entries: [{ id: 4, ...entry(4) }] });
    appendFileSync(path, fourth.subarray(0, fourth.length - 12));
    const reopened = new FileTelemetryStore(path);
    expect((await reopened.pending(10)).map((e) => e.value)).toEqual([1, 2, 3]);
    await reopened.append([entry(4)]);
    await reopened.close();
    expect(logs.warn.some((line) => line.includes('dropped an unfinished record'))).toBe(true);
    logs.restore();
    const third = new FileTelemetryStore(path);
    expect((await third.pending(10)).map((e) => e.value)).toEqual([1, 2, 3, 4]);
    await third.close();
  });

  it('skips a damaged record in the middle and keeps the ones after it', async () => {
    const logs = captureTelemetryLogs();
    const store = new FileTelemetryStore(path);
    for (let i = 1; i <= 3; i++) await store.append([entry(i)]);
    await store.close();
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"value":2', '"value":7'), 'utf8'); // checksum now wrong
    const reopened = new FileTelemetryStore(path);
    expect((await reopened.pending(10)).map((e) => e.value)).toEqual([1, 3]);
    await reopened.close();
    expect(logs.error.some((line) => line.includes('skipped a damaged record'))).toBe(true);
    logs.restore();
  });

  it('compacts acknowledged entries away in the background', async () => {
    const store = new FileTelemetryStore(path);
    for (let i = 0; i < 30; i++) {
      await store.append(Array.from({ length: 100 }, (_, j) => entry(i * 100 + j)));
    }
    const full = statSync(path).size;
    const ids = (await store.pending(3_000)).map((e) => e.id);
    await store.acknowledge(ids.slice(0, 2_950));
    await store.close(); // waits for the compaction it started
    expect(statSync(path).size).toBeLessThan(full / 20);
    const reopened = new FileTelemetryStore(path);
    expect((await reopened.pending(100)).map((e) => e.id)).toEqual(ids.slice(2_950));
    await reopened.append([entry(1)]);
    expect((await reopened.pending(100)).at(-1)!.id).toBe(3_001);
    await reopened.close();
  });

  it('keeps dead letters through a compaction, apart from the pending entries', async () => {
    const store = new FileTelemetryStore(path, 10_000, 10);
    for (let i = 0; i < 30; i++) {
      await store.append(Array.from({ length: 100 }, (_, j) => entry(i * 100 + j)));
    }
    const full = statSync(path).size;
    const pending = await store.pending(3_000);
    const refusedAt = new Date().toISOString();
    const letters = pending
      .slice(0, 3)
      .map((e) => ({ ...e, status: 413, reason: 'big', refusedAt }));
    await store.setAside(letters);
    await store.acknowledge(pending.slice(3, 2_950).map((e) => e.id));
    await store.close(); // waits for the compaction it started
    expect(statSync(path).size).toBeLessThan(full / 20);
    const reopened = new FileTelemetryStore(path, 10_000, 10);
    expect(await reopened.deadLetters(10)).toEqual(letters);
    expect(await reopened.deadLetterCount()).toBe(3);
    expect((await reopened.pending(100)).map((e) => e.id)).toEqual(
      pending.slice(2_950).map((e) => e.id),
    );
    await reopened.close();
  });

  it("removes a crashed process's temporary files at start, not a live one's", async () => {
    mkdirSync(join(dir, 'nested'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const deadTemp = `${path}.${dead}.0a1b2c3d.tmp`;
    const liveTemp = `${path}.${process.pid}.0a1b2c3d.tmp`;
    writeFileSync(deadTemp, 'half a compaction');
    writeFileSync(liveTemp, 'a compaction in progress');
    const store = new FileTelemetryStore(path);
    await store.append([entry(1)]);
    expect(existsSync(deadTemp)).toBe(false);
    expect(existsSync(liveTemp)).toBe(true);
    await store.close();
  });

  it('moves a file that is neither a journal nor a 0.x outbox aside and starts anew', async () => {
    const logs = captureTelemetryLogs();
    mkdirSync(join(dir, 'nested'));
    writeFileSync(path, '{"version":1,"entries":[{"id":1,', 'utf8');
    const store = new FileTelemetryStore(path);
    await store.append([entry(2)]);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([2]);
    await store.close();
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
    await Promise.all([a.close(), b.close()]);
  });

  it('drops the oldest entries beyond maxOutboxEntries', async () => {
    const store = new FileTelemetryStore(path, 5);
    expect(await store.append([1, 2, 3, 4, 5, 6, 7, 8].map(entry))).toBe(3);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([4, 5, 6, 7, 8]);
    await store.close();
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
    await Promise.all([a.close(), b.close()]);
  });

  it('takes over an empty 0.x lock file once it is older than 0.x kept one', async () => {
    const store = new FileTelemetryStore(path);
    await store.append([entry(1)]);
    const lockFile = `${path}.lock`;
    writeFileSync(lockFile, '');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lockFile, anHourAgo, anHourAgo);
    await store.append([entry(2)]);
    expect((await store.pending(10)).map((e) => e.value)).toEqual([1, 2]);
    expect(existsSync(lockFile)).toBe(false);
    await store.close();
  });
});
