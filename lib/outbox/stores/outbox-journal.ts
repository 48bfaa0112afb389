import { randomBytes } from 'node:crypto';
import { statSync, type Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldTurn } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { TelemetryMessages } from '../../telemetry.messages';
import { encodeRecord, encodeRecords, type JournalRecord, scanRecords } from './journal-record';
import {
  applyRecord,
  emptyDocument,
  type OutboxDocument,
  snapshotRecords,
} from './outbox-document';
import { readLegacyDocument } from './outbox-migration';
import { isPidGone } from './process-liveness';

/** A temporary file of a compaction, a lock identity or a 0.x write, and the pid that made it. */
const TEMP_NAME = /\.(\d+)\.[0-9a-f]+(?:\.stale)?\.tmp$/;
/** A temporary file this old is abandoned even when its pid cannot be checked (another host). */
const TEMP_MAX_AGE_MS = 3_600_000;

/** The state of one moment as journal records, and the journal file and offset it matches. */
export interface SnapshotCapture {
  records: JournalRecord[];
  ino: number;
  offset: number;
}

/** A compaction prepared outside the lock, waiting to be completed under it. */
export interface PreparedCompaction {
  temp: string;
  ino: number;
  offset: number;
}

/**
 * One process's view of the journal file: the records it has read, applied to {@link doc}, and the
 * byte offset they end at. Writers (under the store's file lock) first catch up with what other
 * processes appended, repair a torn tail, then append; readers catch up without the lock and leave
 * an unfinished tail alone. A compaction rewrites the file elsewhere and renames it over the
 * journal, which every process notices by its new inode.
 */
export class OutboxJournal {
  doc: OutboxDocument = emptyDocument();
  private handle?: FileHandle;
  private ino?: number;
  private offset = 0;
  private started = false;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** The journal was opened by a locked operation (start-up done): reads may go without the lock. */
  get isOpen(): boolean {
    return this.started;
  }

  /** Catches up with the file; `locked` when the caller holds the file lock (it may repair then). */
  async sync(locked: boolean): Promise<void> {
    if (!this.started) {
      if (!locked) return; // the first operation of every store takes the lock (see FileTelemetryStore)
      await this.startUp();
      this.started = true;
    }
    // Inline like the lock's calls: one metadata call, on the path of every append.
    let info = statOrUndefined(this.path);
    if (!info) {
      if (!locked) return;
      // Deleted under our feet (by hand): start a new journal rather than write into a ghost.
      await this.writeAtomically(snapshotRecords(emptyDocument(), Date.now()));
      info = await stat(this.path);
    }
    if (info.ino !== this.ino || info.size < this.offset) await this.reopen(info.ino);
    if (info.size > this.offset) await this.readFrom(info.size, locked);
  }

  /** Appends records (already applied to {@link doc}); `durable` waits for the disk (fdatasync). */
  async write(records: JournalRecord[], durable: boolean): Promise<void> {
    if (records.length === 0) return;
    const bytes = encodeRecords(records);
    const handle = this.handle!;
    try {
      await writeFully(handle, bytes, this.offset);
      if (durable) await handle.datasync();
      this.offset += bytes.length;
    } catch (error) {
      // Half-written: cut it off, and rebuild the state from the file before the next change.
      await handle.truncate(this.offset).catch(() => undefined);
      this.ino = undefined;
      throw error;
    }
  }

  /**
   * First step of a compaction, between two changes: the state as records and where it ends.
   * Synchronous, so no change of this process slips between the records and the offset.
   */
  captureSnapshot(): SnapshotCapture | undefined {
    if (this.ino === undefined) return undefined;
    return { records: snapshotRecords(this.doc, Date.now()), ino: this.ino, offset: this.offset };
  }

  /**
   * Second step, outside the lock: writes the snapshot as a fresh journal to a temporary file. The
   * records appended meanwhile are copied over by {@link completeCompaction}.
   */
  async writeSnapshot(capture: SnapshotCapture): Promise<PreparedCompaction> {
    const temp = this.tempName();
    const file = await open(temp, 'w');
    try {
      for (let i = 0; i < capture.records.length; i++) {
        await writeFully(file, encodeRecord(capture.records[i]));
        // Large backlogs are encoded a chunk at a time so the application keeps its event loop.
        if (i % 4 === 3) await yieldTurn();
      }
      await file.datasync();
    } catch (error) {
      await file.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await file.close();
    return { temp, ino: capture.ino, offset: capture.offset };
  }

  /** Second half, under the lock and after {@link sync}: adds what was appended since, then swaps. */
  async completeCompaction(prepared: PreparedCompaction): Promise<boolean> {
    if (prepared.ino !== this.ino || prepared.offset > this.offset) {
      await unlink(prepared.temp).catch(() => undefined); // another process compacted first
      return false;
    }
    const tail = Buffer.alloc(this.offset - prepared.offset);
    if (tail.length > 0) await this.handle!.read(tail, 0, tail.length, prepared.offset);
    const file = await open(prepared.temp, 'a');
    try {
      await writeFully(file, tail);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(prepared.temp, this.path);
    await syncDirectory(this.path);
    this.doc.garbage = 0;
    const info = await stat(this.path);
    await this.handle?.close().catch(() => undefined);
    this.handle = await open(this.path, 'r+');
    this.ino = info.ino;
    this.offset = info.size;
    return true;
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    this.ino = undefined;
    this.offset = 0;
    this.started = false;
  }

  /** First locked operation: clear a crashed process's leftovers, convert a 0.x file, or create. */
  private async startUp(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.removeLeftovers();
    const first = await firstByte(this.path);
    if (first === undefined) {
      // No file yet (or an empty one): a new journal, born complete with its head record.
      await this.writeAtomically(snapshotRecords(emptyDocument(), Date.now()));
      return;
    }
    if (first !== '{') return; // already a journal
    let legacy: OutboxDocument;
    try {
      legacy = readLegacyDocument(await readFile(this.path, 'utf8'));
    } catch (error) {
      await this.setAside((error as Error).message);
      return;
    }
    await this.writeAtomically(snapshotRecords(legacy, Date.now()));
    this.logger.log(TelemetryMessages.outboxMigrated(this.path, legacy.entries.size));
  }

  private async reopen(ino: number): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = await open(this.path, 'r+');
    this.ino = ino;
    this.offset = 0;
    this.doc = emptyDocument();
  }

  private async readFrom(size: number, locked: boolean): Promise<void> {
    const bytes = Buffer.alloc(size - this.offset);
    const { bytesRead } = await this.handle!.read(bytes, 0, bytes.length, this.offset);
    const scan = scanRecords(bytes.subarray(0, bytesRead));
    if (this.offset === 0 && scan.records[0]?.op !== 'head') {
      if (!locked) return;
      // Not a journal this package wrote (they all begin with a head record).
      await this.setAside('no journal header');
      return this.sync(true);
    }
    for (const skipped of scan.skipped) {
      this.logger.error(TelemetryMessages.journalDamaged(this.path, this.offset + skipped));
    }
    for (const record of scan.records) applyRecord(this.doc, record);
    this.offset += scan.consumed;
    if (scan.consumed < bytesRead && locked) {
      // A record cut short by a crash: nothing whose add resolved is in it (that was fsynced).
      this.logger.warn(TelemetryMessages.journalTornTail(this.path, bytesRead - scan.consumed));
      await this.handle!.truncate(this.offset);
      await this.handle!.datasync();
    }
  }

  private async setAside(reason: string): Promise<void> {
    const aside = `${this.path}.corrupt-${Date.now()}`;
    await rename(this.path, aside);
    this.logger.error(TelemetryMessages.outboxCorrupt(this.path, aside, reason));
    await this.writeAtomically(snapshotRecords(emptyDocument(), Date.now()));
  }

  /** Writes a whole journal to a temporary file and renames it into place (durably). */
  private async writeAtomically(records: JournalRecord[]): Promise<void> {
    const temp = this.tempName();
    const file = await open(temp, 'w');
    try {
      await writeFully(file, encodeRecords(records));
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    await syncDirectory(this.path);
  }

  private tempName(): string {
    return `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  }

  /** Temporary files of processes that are gone (a SIGKILL during a compaction or a 0.x write). */
  private async removeLeftovers(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const match = name.startsWith(prefix) ? TEMP_NAME.exec(name) : null;
      if (!match) continue;
      const file = join(dir, name);
      const old = await stat(file).then(
        (info) => Date.now() - info.mtimeMs > TEMP_MAX_AGE_MS,
        () => false,
      );
      if (old || isPidGone(Number(match[1]))) await unlink(file).catch(() => undefined);
    }
  }
}

/** `undefined` only when the journal is really gone: any other failure must not start a new one. */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes all of `bytes` at `position` (or at the file's position when omitted), or throws.
 * `FileHandle.write` is one write(2): on a nearly full disk it writes part of the buffer and
 * reports success. Taken as complete, that resolved an append whose record was cut short (dropped
 * as a torn tail at the next start), and let a compaction rename a snapshot missing its last
 * records over the journal. Writing the rest either completes it or fails with the real error.
 */
async function writeFully(handle: FileHandle, bytes: Buffer, position?: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const at = position === undefined ? null : position + done;
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at);
    if (bytesWritten === 0) throw new Error(`no progress writing ${handle.fd}`);
    done += bytesWritten;
  }
}

/** The first non-blank character of the file, `undefined` when it is missing or empty. */
async function firstByte(path: string): Promise<string | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return head.toString('latin1', 0, bytesRead).trimStart()[0];
  } finally {
    await file.close();
  }
}

/** A rename is durable only once the directory entry is flushed. */
async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r').catch(() => undefined);
  if (!dir) return;
  await dir
    .sync()
    .catch(() => undefined)
    .finally(() => dir.close());
}
