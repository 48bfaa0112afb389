/** The feeds a realtime client can subscribe to. */
export type RealtimeChannel = 'visitors' | 'pageviews' | 'errors' | 'alerts' | 'telemetry';

/** Every channel, in the order clients get them when they ask for none in particular. */
export const REALTIME_CHANNELS: readonly RealtimeChannel[] = [
  'visitors',
  'pageviews',
  'errors',
  'alerts',
  'telemetry',
];

/**
 * An alert firing as the `alerts` channel carries it. Published with
 * `RealtimeFanout.publishAlert` by the process that created the alert message (once across processes):
 * the fan-out delivers it to the subscribers of every receiver instance.
 */
export interface RealtimeAlert {
  projectId: number;
  /** Rule id (or another stable id of what fired). */
  ruleId: number | string;
  /** Rule kind, e.g. `new_error_group`, `error_threshold`, `host_stale`. */
  kind: string;
  /** One line a person reads. */
  message: string;
  /** When it fired, epoch ms. */
  firedAt: number;
  /** Anything else the rule wants the client to see (JSON). */
  details?: Record<string, unknown>;
}

/** One message to a client: its channel, and its JSON text (`{"channel":…,"data":…}`). */
export interface RealtimeMessage {
  channel: RealtimeChannel | 'dropped' | 'hello';
  json: string;
  /**
   * State messages (the visitor count, a host's values) carry a key: a newer message with the same
   * key replaces one still waiting for a slow client. Feed messages have none and are dropped.
   */
  coalesceKey?: string;
}
