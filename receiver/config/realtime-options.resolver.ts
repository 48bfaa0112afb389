import type { EnvReader } from '../../lib/protocol';
import type { RealtimeOptions, ResolvedRealtimeOptions } from './receiver-options.interface';

/** `realtime` from the options over `RECEIVER_REALTIME*`, with defaults. */
export function resolveRealtimeOptions(
  e: EnvReader,
  given: RealtimeOptions = {},
  routePrefix: string,
): ResolvedRealtimeOptions {
  const path =
    given.path ??
    e.string('RECEIVER_REALTIME_PATH') ??
    `/${routePrefix}/realtime`.replace(/\/+/g, '/');
  return {
    enabled: e.boolean('realtime.enabled', 'RECEIVER_REALTIME', given.enabled) ?? false,
    path: ('/' + path).replace(/\/+/g, '/').replace(/(.)\/$/, '$1'),
    maxBufferedBytes:
      e.integer(
        'realtime.maxBufferedBytes',
        'RECEIVER_REALTIME_MAX_BUFFERED_BYTES',
        { min: 1024, max: 1 << 30 },
        given.maxBufferedBytes,
      ) ?? 1 << 20,
    maxQueuedMessages:
      e.integer(
        'realtime.maxQueuedMessages',
        'RECEIVER_REALTIME_MAX_QUEUED',
        { min: 1, max: 100_000 },
        given.maxQueuedMessages,
      ) ?? 256,
    maxClients:
      e.integer(
        'realtime.maxClients',
        'RECEIVER_REALTIME_MAX_CLIENTS',
        { min: 1, max: 1_000_000 },
        given.maxClients,
      ) ?? 10_000,
    tokenMaxTtlSeconds:
      e.integer(
        'realtime.tokenMaxTtlSeconds',
        'RECEIVER_REALTIME_TOKEN_MAX_TTL',
        { min: 10, max: 7 * 24 * 3600 },
        given.tokenMaxTtlSeconds,
      ) ?? 3600,
  };
}
