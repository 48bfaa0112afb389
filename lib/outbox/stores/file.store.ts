import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Logger } from '@nestjs/common';
import { TelemetryMessages } from '../../telemetry.messages';
import type {
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../interfaces/telemetry-store.interface';
import { withFileLock } from './file-lock';
import {
  acknowledgeEntries,
  appendEntries,
  emptyDocument,
  jsonCopy,
  type OutboxDocument,
  pruneLocks,
  releaseLock,
  takeLock,
} from './outbox-document';

/**
 * Keeps the outbox in one JSON file that survives restarts. Every change is a read-modify-write
 * under a lock file, and every write goes to a temporary file that is fsynced and then renamed
 * over the old one, so a crash leaves either the old or the new file, never a torn one. Several
 * processes (the app and a CLI run) may share the file.
 */
export class FileTelemetryStore implements TelemetryStore {
  private readonly logger = new Logger('Telemetry');
  /** Serialises this process's own changes; the lock file serialises processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly maxEntries = 10_000,
  ) {}

  append(entries: OutboxEntryInput[]): Promise<number> {
    return this.change((doc) => appendEntries(doc, jsonCopy(entries), this.maxEntries));
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    return (await this.read()).entries.slice(0, limit);
  }

  acknowledge(ids: number[]): Promise<void> {
    return this.change((doc) => acknowledgeEntries(doc, ids));
  }

  async size(): Promise<number> {
    return (await this.read()).entries.length;
  }

  async getValue<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.read()).values[key] as T | undefined;
  }

  setValue(key: string, value: unknown): Promise<void> {
    return this.setValues({ [key]: value });
  }

  setValues(values: Record<string, unknown>): Promise<void> {
    return this.change((doc) => void Object.assign(doc.values, jsonCopy(values)));
  }

  deleteValue(key: string): Promise<void> {
    return this.change((doc) => void delete doc.values[key]);
  }

  async acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined> {
    const token = await this.change((doc) => {
      const now = Date.now();
      pruneLocks(doc, now);
      return takeLock(doc, name, ttlMs, now);
    });
    if (!token) return undefined;
    return { release: () => this.change((doc) => releaseLock(doc, name, token)) };
  }

  async close(): Promise<void> {
    await this.queue;
  }

  private change<T>(mutate: (doc: OutboxDocument) => T): Promise<T> {
    const run = this.queue.then(() =>
      withFileLock(this.path, async () => {
        const doc = await this.read();
        const result = mutate(doc);
        await this.write(doc);
        return result;
      }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(): Promise<OutboxDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyDocument();
      throw error;
    }
    try {
      const doc = JSON.parse(text) as OutboxDocument;
      if (doc?.version !== 1 || !Array.isArray(doc.entries) || typeof doc.nextId !== 'number') {
        throw new Error('not an outbox document');
      }
      doc.values ??= {};
      doc.locks ??= {};
      return doc;
    } catch (error) {
      // Only a foreign or hand-edited file gets here (writes are atomic): keep it aside, start anew.
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside);
      this.logger.error(
        TelemetryMessages.outboxCorrupt(this.path, aside, (error as Error).message),
      );
      return emptyDocument();
    }
  }

  private async write(doc: OutboxDocument): Promise<void> {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(JSON.stringify(doc));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
    // The rename itself is durable only once the directory entry is flushed.
    const dir = await open(dirname(this.path), 'r').catch(() => undefined);
    if (dir)
      await dir
        .sync()
        .catch(() => undefined)
        .finally(() => dir.close());
  }
}
