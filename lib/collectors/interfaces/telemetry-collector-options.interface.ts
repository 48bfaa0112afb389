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
