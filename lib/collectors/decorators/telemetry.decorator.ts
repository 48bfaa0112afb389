import { SetMetadata } from '@nestjs/common';
import { TELEMETRY_COLLECTOR_METADATA } from '../../telemetry.constants';
import type { TelemetryValueType } from '../../protocol';
import type { TelemetryInterval } from '../telemetry-interval.enum';

/** Long form of `@Telemetry({...})`. */
export interface TelemetryCollectorOptions {
  /** Name of the value in the payload's `data`. Default `${ClassName}@${methodName}`. */
  key?: string;
  /** Seconds between two collections (whole number >= 1). Default: the module's `defaultInterval`. */
  interval?: TelemetryInterval | number;
  /** Milliseconds the method may take before it is skipped for the round; 0 waits forever. Default: `collectorTimeout`. */
  timeout?: number;
  /**
   * What the value means: `gauge` (a level; what a number is taken for when nothing is declared),
   * `counter` (a total that only grows) or `info` (a label or document). Sent as optional
   * metadata beside the value; any JSON value is still accepted whatever the type.
   */
  type?: TelemetryValueType;
  /** Unit of the value (at most 32 characters, e.g. `bytes`, `ms`), sent as optional metadata. */
  unit?: string;
}

/**
 * Marks a method of a singleton provider or controller as a telemetry data collector. The method
 * is called without arguments on its interval (sync or async); its return value is reported under
 * its key. Options are validated when the application starts, so a bad interval or a duplicate
 * key stops the start-up with a message naming `Class.method`.
 *
 * @example
 * ```ts
 * @Telemetry()                                        // key `UserService@countUsers`, default interval
 * @Telemetry(TelemetryInterval.OneHour)               // or a number of seconds
 * @Telemetry({ key: 'user_count', interval: 3600, timeout: 10_000 })
 * @Telemetry({ key: 'http_requests', interval: 60, type: 'counter', unit: 'requests' })
 * ```
 */
export function Telemetry(): MethodDecorator;
export function Telemetry(interval: TelemetryInterval | number): MethodDecorator;
export function Telemetry(options: TelemetryCollectorOptions): MethodDecorator;
export function Telemetry(
  arg?: TelemetryInterval | number | TelemetryCollectorOptions,
): MethodDecorator {
  const options: TelemetryCollectorOptions =
    arg === undefined
      ? {}
      : typeof arg === 'object' && arg !== null
        ? { ...arg }
        : { interval: arg };
  return SetMetadata(TELEMETRY_COLLECTOR_METADATA, options);
}
