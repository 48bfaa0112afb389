import type { TelemetryStore } from './interfaces/telemetry-store.interface';

/**
 * Runs `work` holding the store's lock `name`, so one process at a time sends from an outbox;
 * `undefined` when another holds it. The lock outlives the sends it covers: `work` gets the time
 * after which it starts no new request (a request timeout and a margin before the lock expires).
 */
export async function withSendLock<T>(
  store: TelemetryStore,
  name: string,
  requestTimeout: number,
  work: (deadline: number) => Promise<T>,
): Promise<T | undefined> {
  const ttl = Math.max(60_000, requestTimeout * 3);
  const lock = await store.acquireLock(name, ttl);
  if (!lock) return undefined;
  try {
    return await work(Date.now() + ttl - requestTimeout - 5_000);
  } finally {
    try {
      await lock.release();
    } catch {
      // An unreleased lock expires by itself; the next send simply waits for it.
    }
  }
}
