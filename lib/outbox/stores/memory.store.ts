import type {
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../interfaces/telemetry-store.interface';
import {
  acknowledgeEntries,
  appendEntries,
  emptyDocument,
  jsonCopy,
  pruneLocks,
  releaseLock,
  takeLock,
} from './outbox-document';

/**
 * Keeps everything in the process memory: fast and dependency-free, but lost on exit. Meant for
 * tests and for apps that accept losing the backlog on restart.
 */
export class MemoryTelemetryStore implements TelemetryStore {
  private readonly doc = emptyDocument();

  constructor(private readonly maxEntries = 10_000) {}

  async append(entries: OutboxEntryInput[]): Promise<number> {
    return appendEntries(this.doc, jsonCopy(entries), this.maxEntries);
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    return jsonCopy(this.doc.entries.slice(0, limit));
  }

  async acknowledge(ids: number[]): Promise<void> {
    acknowledgeEntries(this.doc, ids);
  }

  async size(): Promise<number> {
    return this.doc.entries.length;
  }

  async getValue<T = unknown>(key: string): Promise<T | undefined> {
    return jsonCopy(this.doc.values[key]) as T | undefined;
  }

  async setValue(key: string, value: unknown): Promise<void> {
    this.doc.values[key] = jsonCopy(value);
  }

  async setValues(values: Record<string, unknown>): Promise<void> {
    Object.assign(this.doc.values, jsonCopy(values));
  }

  async deleteValue(key: string): Promise<void> {
    delete this.doc.values[key];
  }

  async acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined> {
    const now = Date.now();
    pruneLocks(this.doc, now);
    const token = takeLock(this.doc, name, ttlMs, now);
    if (!token) return undefined;
    return { release: async () => releaseLock(this.doc, name, token) };
  }

  async close(): Promise<void> {}
}
