import type { TelemetryStore } from '../../outbox/interfaces/telemetry-store.interface';
import type { ErrorEnvironment, TelemetryErrorsOptions } from './error-capture-options.interface';

/** The `errors` option after merging environment and defaults (absent: capture is off). */
export interface ResolvedTelemetryErrorsOptions {
  /** Base URL without a trailing `/`. */
  receiverUrl: string;
  projectKey: string;
  environment: ErrorEnvironment;
  /** Lower-case parameter names. */
  redactQueryParams: string[];
  severity?: TelemetryErrorsOptions['severity'];
  actor?: TelemetryErrorsOptions['actor'];
  captureProcessErrors: boolean;
  /** Milliseconds; 0 = no coalescing. */
  coalesceWindow: number;
  /** Seconds. */
  sendInterval: number;
  store:
    | { type: 'memory' }
    | { type: 'file'; path: string }
    | { type: 'redis'; url: string }
    | { type: 'custom'; instance: TelemetryStore };
}
