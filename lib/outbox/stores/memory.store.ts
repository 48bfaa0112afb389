import type {
  DeadLetter,
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from '../interfaces/telemetry-store.interface';
import type { JournalRecord } from './journal-record';
import {
  applyRecord,
  emptyDocument,
  jsonCopy,
  oldestDeadLetters,
  oldestEntries,
  planAcknowledge,
  planAppend,
  planDropDeadLetters,
  planSetAside,
  planTakeLock,
  pruneLocks,
} from './outbox-document';

/**
 * Keeps everything in the process memory: fast and dependency-free, but lost on exit. Meant for
 * tests and for apps that accept losing the backlog on restart.
 */
export class MemoryTelemetryStore implements TelemetryStore {
  private readonly doc = emptyDocument();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxDeadLetters = 1_000,
  ) {}

  async append(entries: OutboxEntryInput[]): Promise<number> {
    const { records, dropped } = planAppend(this.doc, jsonCopy(entries), this.maxEntries);
    this.apply(records);
    return dropped;
  }

  async pending(limit: number): Promise<OutboxEntry[]> {
    return jsonCopy(oldestEntries(this.doc, limit));
  }

  async acknowledge(ids: number[]): Promise<void> {
    this.apply(planAcknowledge(this.doc, ids));
  }

  async size(): Promise<number> {
    return this.doc.entries.size;
  }

  async setAside(letters: DeadLetter[]): Promise<number> {
    const { records, dropped } = planSetAside(this.doc, jsonCopy(letters), this.maxDeadLetters);
    this.apply(records);
    return dropped;
  }

  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return jsonCopy(oldestDeadLetters(this.doc, limit));
  }

  async deadLetterCount(): Promise<number> {
    return this.doc.dead.size;
  }

  async dropDeadLetters(ids: number[]): Promise<void> {
    this.apply(planDropDeadLetters(this.doc, ids));
  }

  async getValue<T = unknown>(key: string): Promise<T | undefined> {
    return jsonCopy(this.doc.values.get(key)) as T | undefined;
  }

  async setValue(key: string, value: unknown): Promise<void> {
    await this.setValues({ [key]: value });
  }

  async setValues(values: Record<string, unknown>): Promise<void> {
    this.apply([{ op: 'set', values: jsonCopy(values) }]);
  }

  async deleteValue(key: string): Promise<void> {
    this.apply([{ op: 'del', keys: [key] }]);
  }

  async acquireLock(name: string, ttlMs: number): Promise<TelemetryLock | undefined> {
    const now = Date.now();
    pruneLocks(this.doc, now);
    const { records, token } = planTakeLock(this.doc, name, ttlMs, now);
    if (!token) return undefined;
    this.apply(records);
    return { release: async () => this.apply([{ op: 'unlock', name, token }]) };
  }

  async close(): Promise<void> {}

  private apply(records: JournalRecord[]): void {
    for (const record of records) applyRecord(this.doc, record);
  }
}
