import { REALTIME_CHANNELS, type RealtimeChannel } from './interfaces/realtime.interfaces';

/**
 * The channels a client asked for in `?channels=a,b` (all of them when absent or empty); the
 * first unknown name instead, so the connection can be refused with it.
 */
export function parseChannels(
  given: string | undefined,
): Set<RealtimeChannel> | { unknown: string } {
  const names = (given ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return new Set(REALTIME_CHANNELS);
  const channels = new Set<RealtimeChannel>();
  for (const name of names) {
    if (!(REALTIME_CHANNELS as readonly string[]).includes(name)) return { unknown: name };
    channels.add(name as RealtimeChannel);
  }
  return channels;
}
