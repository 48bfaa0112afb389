import { randomUUID } from 'node:crypto';
import type { OutboxEntry, OutboxEntryInput } from '../interfaces/telemetry-store.interface';

/**
 * The whole state of a single-document store (memory, file). Both stores apply the same pure
 * operations below, so they behave identically; the file store only adds persistence.
 */
export interface OutboxDocument {
  version: 1;
  nextId: number;
  entries: OutboxEntry[];
  values: Record<string, unknown>;
  locks: Record<string, { token: string; expiresAt: number }>;
}

export const emptyDocument = (): OutboxDocument => ({
  version: 1,
  nextId: 1,
  entries: [],
  values: {},
  locks: {},
});

/** Appends in order and drops the oldest beyond `max`; returns how many were dropped. */
export function appendEntries(doc: OutboxDocument, input: OutboxEntryInput[], max: number): number {
  for (const entry of input) doc.entries.push({ id: doc.nextId++, ...entry });
  const excess = doc.entries.length - max;
  if (excess > 0) doc.entries.splice(0, excess);
  return Math.max(0, excess);
}

export function acknowledgeEntries(doc: OutboxDocument, ids: number[]): void {
  const done = new Set(ids);
  doc.entries = doc.entries.filter((entry) => !done.has(entry.id));
}

/** Takes a lock when free or expired; returns its token, or `undefined` when held by another. */
export function takeLock(
  doc: OutboxDocument,
  name: string,
  ttlMs: number,
  now: number,
): string | undefined {
  const held = doc.locks[name];
  if (held && held.expiresAt > now) return undefined;
  const token = randomUUID();
  doc.locks[name] = { token, expiresAt: now + ttlMs };
  return token;
}

export function releaseLock(doc: OutboxDocument, name: string, token: string): void {
  if (doc.locks[name]?.token === token) delete doc.locks[name];
}

/** Drops expired locks so the document does not grow with one lease per key forever. */
export function pruneLocks(doc: OutboxDocument, now: number): void {
  for (const [name, lock] of Object.entries(doc.locks)) {
    if (lock.expiresAt <= now) delete doc.locks[name];
  }
}

/** Values are stored as JSON, so a caller never shares a mutable object with the store. */
export const jsonCopy = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
