import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import type { TelemetryStore } from '../../outbox/interfaces/telemetry-store.interface';
import { FileTelemetryStore } from '../../outbox/stores/file.store';
import { MemoryTelemetryStore } from '../../outbox/stores/memory.store';
import { RedisTelemetryStore } from '../../outbox/stores/redis.store';

/**
 * The errors outbox the options name — the same store kinds as the telemetry outbox, kept apart
 * from it — or `null` when error capture is not configured.
 */
export async function createErrorsStore(
  options: ResolvedTelemetryOptions,
): Promise<TelemetryStore | null> {
  const store = options.errors?.store;
  if (!store) return null;
  const { maxOutboxEntries: max, maxDeadLetters: maxDead } = options;
  switch (store.type) {
    case 'custom':
      return store.instance;
    case 'memory':
      return new MemoryTelemetryStore(max, maxDead);
    case 'file':
      return new FileTelemetryStore(store.path, max, maxDead);
    case 'redis':
      // Keys under `telemetry:<host>:errors:`, beside (never among) the telemetry outbox's.
      return RedisTelemetryStore.connect(store.url, `${options.host}:errors`, max, maxDead);
  }
}
