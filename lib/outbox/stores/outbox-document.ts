import { randomUUID } from 'node:crypto';
import type {
  DeadLetter,
  OutboxEntry,
  OutboxEntryInput,
} from '../interfaces/telemetry-store.interface';
import { JOURNAL_FORMAT, type JournalRecord } from './journal-record';

/**
 * The whole state of a single-process store (memory) or of one process's view of a file journal.
 * Every change is first planned as journal records, then applied with {@link applyRecord}: the
 * memory store drops the records, the file store writes them, and replaying a journal applies the
 * very same records — so both stores behave identically and a replay rebuilds exactly what was there.
 */
export interface OutboxDocument {
  nextId: number;
  /** Pending entries by id; insertion order is id order (ids only grow). */
  entries: Map<number, OutboxEntry>;
  /** Entries the receiver refused for good, by id. */
  dead: Map<number, DeadLetter>;
  values: Map<string, unknown>;
  locks: Map<string, { token: string; expiresAt: number }>;
  /** Records made obsolete since the journal was last written from scratch (compaction's cue). */
  garbage: number;
}

export const emptyDocument = (): OutboxDocument => ({
  nextId: 1,
  entries: new Map(),
  dead: new Map(),
  values: new Map(),
  locks: new Map(),
  garbage: 0,
});

export function applyRecord(doc: OutboxDocument, record: JournalRecord): void {
  switch (record.op) {
    case 'head':
      doc.nextId = Math.max(doc.nextId, record.nextId);
      return;
    case 'add':
      for (const entry of record.entries) {
        doc.entries.set(entry.id, entry);
        doc.nextId = Math.max(doc.nextId, entry.id + 1);
      }
      return;
    case 'ack':
      for (const id of record.ids) if (doc.entries.delete(id)) doc.garbage++;
      return;
    case 'dead':
      for (const letter of record.letters) {
        if (doc.entries.delete(letter.id)) doc.garbage++;
        if (doc.dead.has(letter.id)) doc.garbage++;
        doc.dead.set(letter.id, letter);
        doc.nextId = Math.max(doc.nextId, letter.id + 1);
      }
      return;
    case 'undead':
      for (const id of record.ids) if (doc.dead.delete(id)) doc.garbage += 2;
      return;
    case 'set':
      for (const [key, value] of Object.entries(record.values)) {
        if (doc.values.has(key)) doc.garbage++;
        doc.values.set(key, value);
      }
      return;
    case 'del':
      for (const key of record.keys) if (doc.values.delete(key)) doc.garbage += 2;
      return;
    case 'lock':
      if (doc.locks.has(record.name)) doc.garbage++;
      doc.locks.set(record.name, { token: record.token, expiresAt: record.expiresAt });
      return;
    case 'unlock':
      if (doc.locks.get(record.name)?.token === record.token) {
        doc.locks.delete(record.name);
        doc.garbage += 2;
      }
      return;
  }
}

/**
 * Records appending `input` in order, preceded by the acknowledgement of the oldest entries
 * beyond `max`; `dropped` says how many those are.
 */
export function planAppend(
  doc: OutboxDocument,
  input: OutboxEntryInput[],
  max: number,
): { records: JournalRecord[]; dropped: number } {
  const entries = input.map((entry, index) => ({ id: doc.nextId + index, ...entry }));
  const excess = doc.entries.size + entries.length - max;
  const records: JournalRecord[] = [];
  let dropped = 0;
  if (excess > 0) {
    const ids: number[] = [];
    for (const id of doc.entries.keys()) {
      if (ids.length === excess) break;
      ids.push(id);
    }
    if (ids.length > 0) records.push({ op: 'ack', ids });
    // More new entries than the bound: the oldest of them never become pending.
    const skip = Math.max(0, excess - ids.length);
    entries.splice(0, skip);
    dropped = ids.length + skip;
  }
  if (entries.length > 0) records.push({ op: 'add', entries });
  return { records, dropped };
}

/** Records acknowledging the known ones among `ids` (unknown ids are ignored). */
export function planAcknowledge(doc: OutboxDocument, ids: number[]): JournalRecord[] {
  const known = ids.filter((id) => doc.entries.has(id));
  return known.length > 0 ? [{ op: 'ack', ids: known }] : [];
}

/**
 * Records setting `letters` aside, followed by the drop of the oldest dead letters beyond `max`;
 * `dropped` says how many those are.
 */
export function planSetAside(
  doc: OutboxDocument,
  letters: DeadLetter[],
  max: number,
): { records: JournalRecord[]; dropped: number } {
  if (letters.length === 0) return { records: [], dropped: 0 };
  const records: JournalRecord[] = [{ op: 'dead', letters }];
  const ids = new Set([...doc.dead.keys(), ...letters.map((letter) => letter.id)]);
  const excess = ids.size - max;
  if (excess <= 0) return { records, dropped: 0 };
  const oldest = [...ids].sort((a, b) => a - b).slice(0, excess);
  records.push({ op: 'undead', ids: oldest });
  return { records, dropped: oldest.length };
}

/** Records dropping the known ones among the dead letters `ids`. */
export function planDropDeadLetters(doc: OutboxDocument, ids: number[]): JournalRecord[] {
  const known = ids.filter((id) => doc.dead.has(id));
  return known.length > 0 ? [{ op: 'undead', ids: known }] : [];
}

/** The oldest `limit` dead letters (lowest ids first). */
export function oldestDeadLetters(doc: OutboxDocument, limit: number): DeadLetter[] {
  return [...doc.dead.values()].sort((a, b) => a.id - b.id).slice(0, limit);
}

/** Records taking the lock when free or expired, with its token; none when held by another. */
export function planTakeLock(
  doc: OutboxDocument,
  name: string,
  ttlMs: number,
  now: number,
): { records: JournalRecord[]; token?: string } {
  const held = doc.locks.get(name);
  if (held && held.expiresAt > now) return { records: [] };
  const token = randomUUID();
  return { records: [{ op: 'lock', name, token, expiresAt: now + ttlMs }], token };
}

/** Drops expired locks so a memory document does not grow with one lease per key forever. */
export function pruneLocks(doc: OutboxDocument, now: number): void {
  for (const [name, lock] of doc.locks) if (lock.expiresAt <= now) doc.locks.delete(name);
}

/** The oldest `limit` pending entries. */
export function oldestEntries(doc: OutboxDocument, limit: number): OutboxEntry[] {
  const result: OutboxEntry[] = [];
  for (const entry of doc.entries.values()) {
    if (result.length >= limit) break;
    result.push(entry);
  }
  return result;
}

/** Records that rebuild `doc` from nothing: what a compacted journal holds. */
export function snapshotRecords(doc: OutboxDocument, now: number): JournalRecord[] {
  const records: JournalRecord[] = [{ op: 'head', format: JOURNAL_FORMAT, nextId: doc.nextId }];
  if (doc.values.size > 0) records.push({ op: 'set', values: Object.fromEntries(doc.values) });
  for (const [name, lock] of doc.locks) {
    if (lock.expiresAt > now) records.push({ op: 'lock', name, ...lock });
  }
  let chunk: OutboxEntry[] = [];
  for (const entry of doc.entries.values()) {
    chunk.push(entry);
    if (chunk.length === SNAPSHOT_CHUNK) {
      records.push({ op: 'add', entries: chunk });
      chunk = [];
    }
  }
  if (chunk.length > 0) records.push({ op: 'add', entries: chunk });
  const letters = oldestDeadLetters(doc, doc.dead.size);
  for (let i = 0; i < letters.length; i += SNAPSHOT_CHUNK) {
    records.push({ op: 'dead', letters: letters.slice(i, i + SNAPSHOT_CHUNK) });
  }
  return records;
}

const SNAPSHOT_CHUNK = 500;

/** Values are stored as JSON, so a caller never shares a mutable object with the store. */
export const jsonCopy = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
