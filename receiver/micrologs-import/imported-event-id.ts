import { createHash } from 'node:crypto';

/**
 * The event id of an imported row: a UUIDv7 like the ids the ingest gives (its time field is the
 * row's own time, so ids still sort by time), whose other bits come from a hash of where the row
 * came from instead of randomness. The same source row always gets the same id, and the event
 * tables' unique `event_id` index makes a second import of it a no-op.
 */
export function importedEventId(createdAtMs: number, origin: string): string {
  const hash = createHash('sha256').update(origin).digest('hex');
  const time = Math.max(0, Math.trunc(createdAtMs)).toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(hash[3], 16) & 0x3) | 0x8).toString(16);
  return (
    `${time.slice(0, 8)}-${time.slice(8)}-7${hash.slice(0, 3)}-` +
    `${variant}${hash.slice(4, 7)}-${hash.slice(7, 19)}`
  );
}
