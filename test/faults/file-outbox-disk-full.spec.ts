import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntryInput } from '../../lib';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';
import { encodeRecords, JOURNAL_FORMAT } from '../../lib/outbox/stores/journal-record';
import { mountSmallDisk, type SmallDisk } from '../support/small-disk';

const entry = (value: string): OutboxEntryInput => ({
  key: 'k',
  value,
  collectedAt: '2025-08-03T10:00:00.000Z',
  host: 'h',
});

/**
 * The disk under a file outbox fills up. On a nearly full disk one write(2) may store only part of
 * its buffer: the store must take that as the failure it is, never as a stored record. Runs on a
 * private tmpfs (skipped where this process may not mount one).
 */
describe('file outbox on a full disk', () => {
  let disk: SmallDisk | undefined;
  let path: string;

  beforeEach(() => {
    disk = mountSmallDisk(1);
    if (disk) path = join(disk.dir, 'outbox.json');
  });

  afterEach(() => disk?.unmount());

  it('refuses an append the full disk cut short, and keeps every append that resolved', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    const store = new FileTelemetryStore(path);
    await store.append([entry('before')]);
    // The journal's last page still has room for part of the next record, and no page is left.
    disk.fill();
    await expect(store.append([entry('x'.repeat(8_000))])).rejects.toThrow(/ENOSPC/);
    disk.free();
    await store.append([entry('after')]);
    await store.close();

    const restarted = new FileTelemetryStore(path);
    expect((await restarted.pending(10)).map((e) => e.value)).toEqual(['before', 'after']);
    await restarted.close();
  });

  it('keeps the journal when a compaction runs out of space half-way through its snapshot', async () => {
    if (!disk) return void console.warn('tmpfs cannot be mounted here: disk-full case not run');
    // A journal worth compacting: 1,060 of its 1,100 entries acknowledged; the 40 left make a
    // snapshot record of about 10 kB.
    const entries = Array.from({ length: 1_100 }, (_, i) => ({
      id: i + 1,
      ...entry(`${i + 1}:${'v'.repeat(200)}`),
    }));
    writeFileSync(
      path,
      encodeRecords([
        { op: 'head', format: JOURNAL_FORMAT, nextId: 1 },
        { op: 'add', entries },
        { op: 'ack', ids: entries.slice(0, 1_060).map((e) => e.id) },
      ]),
    );
    const waiting = entries.slice(1_060).map((e) => e.id);
    // Two free pages: one for the store's lock file, one for the snapshot's first record and part
    // of its second (the 40 entries), which the full disk cuts short.
    const reserve = join(disk.dir, 'reserve');
    writeFileSync(reserve, Buffer.alloc(8_192));
    disk.fill();
    rmSync(reserve);

    const store = new FileTelemetryStore(path, 1_000_000);
    expect((await store.pending(100)).map((e) => e.id)).toEqual(waiting);
    await store.close(); // waits for the compaction the read started
    disk.free();

    const restarted = new FileTelemetryStore(path, 1_000_000);
    expect((await restarted.pending(100)).map((e) => e.id)).toEqual(waiting);
    await restarted.close();
  });
});
