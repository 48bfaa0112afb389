import type { OutboxEntry } from '../interfaces/telemetry-store.interface';
import { emptyDocument, type OutboxDocument } from './outbox-document';

/** The single JSON document the 0.x file store rewrote on every change. */
interface LegacyOutboxDocument {
  version: 1;
  nextId: number;
  entries: OutboxEntry[];
  values?: Record<string, unknown>;
  locks?: Record<string, { token: string; expiresAt: number }>;
}

/**
 * Reads a 0.x `outbox.json` into a document, keeping ids, values (last collection times, the auth
 * token, the last known flags) and leases, so an upgrade sends the waiting backlog exactly once.
 * Throws when the text is not such a document.
 */
export function readLegacyDocument(text: string): OutboxDocument {
  const legacy = JSON.parse(text) as LegacyOutboxDocument;
  if (legacy?.version !== 1 || !Array.isArray(legacy.entries) || typeof legacy.nextId !== 'number')
    throw new Error('not an outbox document');
  const doc = emptyDocument();
  for (const entry of legacy.entries) {
    if (typeof entry?.id !== 'number') throw new Error('an entry has no id');
    doc.entries.set(entry.id, entry);
    doc.nextId = Math.max(doc.nextId, entry.id + 1);
  }
  doc.nextId = Math.max(doc.nextId, legacy.nextId);
  for (const [key, value] of Object.entries(legacy.values ?? {})) doc.values.set(key, value);
  for (const [name, lock] of Object.entries(legacy.locks ?? {})) doc.locks.set(name, lock);
  return doc;
}
