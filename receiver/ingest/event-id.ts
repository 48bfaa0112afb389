import { randomUUID } from 'node:crypto';

/**
 * A new event id: a UUIDv7 (RFC 9562) — 48 bits of Unix milliseconds, then random bits — so ids
 * sort by accept time and index well. Built from `randomUUID()`, whose entropy Node draws from a
 * cached pool, with the time and version fields written over its first 13 hex digits; its
 * variant bits are already those of v7.
 */
export function newEventId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
