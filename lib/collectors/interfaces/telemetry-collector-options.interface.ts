import type { TelemetryInterval } from '../telemetry-interval.enum';

/** Long form of `@Telemetry({...})`. */
export interface TelemetryCollectorOptions {
  /** Name of the value in the payload's `data`. Default `${ClassName}@${methodName}`. */
  key?: string;
  /** Seconds between two collections (whole number >= 1). Default: the module's `defaultInterval`. */
  interval?: TelemetryInterval | number;
  /** Milliseconds the method may take before it is skipped for the round; 0 waits forever. Default: `collectorTimeout`. */
  timeout?: number;
}
