import type { OutboxEntry } from '../outbox/interfaces/telemetry-store.interface';
import { toUtcSecond, type TelemetryPayload } from '../protocol';

/** One payload to send and the outbox entries it acknowledges when the receiver accepts it. */
export interface TelemetryBatch<E extends OutboxEntry = OutboxEntry> {
  payload: TelemetryPayload;
  ids: number[];
  /** The entries themselves, in the order of `ids`: what is set aside if the receiver refuses it. */
  entries: E[];
}

/**
 * Turns the backlog (oldest first) into Laravel-compatible payloads, in order. A payload holds one
 * collection round: entries of one host collected within the same second, that second being its
 * `timestamp`. A key collected twice in a round starts a new payload, so no value overwrites
 * another and a receiver that understands one `{host, timestamp, data}` understands each. Declared
 * types and units travel in the optional top-level `metadata`, which such a receiver ignores.
 */
export function buildBatches<E extends OutboxEntry>(entries: E[]): TelemetryBatch<E>[] {
  const batches: TelemetryBatch<E>[] = [];
  let current: TelemetryBatch<E> | undefined;
  for (const entry of entries) {
    const timestamp = toUtcSecond(new Date(entry.collectedAt));
    const fits =
      current &&
      current.payload.host === entry.host &&
      current.payload.timestamp === timestamp &&
      !Object.prototype.hasOwnProperty.call(current.payload.data, entry.key);
    if (!fits) {
      current = { payload: { host: entry.host, timestamp, data: {} }, ids: [], entries: [] };
      batches.push(current);
    }
    current!.payload.data[entry.key] = entry.value;
    if (entry.meta) (current!.payload.metadata ??= {})[entry.key] = entry.meta;
    current!.ids.push(entry.id);
    current!.entries.push(entry);
  }
  return batches;
}
