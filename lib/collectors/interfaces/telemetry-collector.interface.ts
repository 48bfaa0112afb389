import type { TelemetryValueMeta } from '../../protocol';

/** A discovered `@Telemetry()` method, as the registry and the CLI see it. */
export interface TelemetryCollector {
  /** Name of the value in the payload's `data`. */
  readonly key: string;
  /** Name of the class that declares the method. */
  readonly className: string;
  readonly methodName: string;
  /** Seconds between two collections. */
  readonly interval: number;
  /** Milliseconds the method may take. */
  readonly timeout: number;
  /** The declared type and unit, when the collector declared any (sent as payload metadata). */
  readonly meta?: TelemetryValueMeta;
  /** Calls the method on its instance, without arguments. */
  readonly invoke: () => unknown;
}

/** A collector with its last and next collection times, for `list` and status pages. */
export interface TelemetryCollectorStatus {
  collector: TelemetryCollector;
  /** When it was last collected (from the store, so shared with other processes), if ever. */
  lastCollectedAt?: Date;
  /** When it is next due; now or earlier when due already. */
  nextDueAt: Date;
}
