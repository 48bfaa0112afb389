import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryStore } from './interfaces/telemetry-store.interface';
import { FileTelemetryStore } from './stores/file.store';
import { MemoryTelemetryStore } from './stores/memory.store';
import { RedisTelemetryStore } from './stores/redis.store';

/** Builds the store the options name (memory, file, redis:// or the caller's own instance). */
export async function createTelemetryStore(
  options: ResolvedTelemetryOptions,
): Promise<TelemetryStore> {
  const { store, maxOutboxEntries, maxDeadLetters } = options;
  switch (store.type) {
    case 'custom':
      return store.instance;
    case 'memory':
      return new MemoryTelemetryStore(maxOutboxEntries, maxDeadLetters);
    case 'file':
      return new FileTelemetryStore(store.path, maxOutboxEntries, maxDeadLetters);
    case 'redis':
      return RedisTelemetryStore.connect(store.url, options.host, maxOutboxEntries, maxDeadLetters);
  }
}
