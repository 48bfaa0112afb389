import type { ResolvedTelemetryErrorsOptions } from '../errors/interfaces/resolved-errors-options.interface';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';

/** Where the outbox lives, after resolution. */
export type ResolvedTelemetryStoreOptions =
  | { type: 'memory' }
  | { type: 'file'; path: string }
  | { type: 'redis'; url: string }
  | { type: 'custom'; instance: TelemetryStore };

/** Options after merging `forRoot()` options, environment and defaults: every field is decided. */
export interface ResolvedTelemetryOptions {
  enabled: boolean;
  /** Empty when not configured: collection goes on, sending logs an error and keeps the backlog. */
  serverUrl: string;
  host: string;
  defaultInterval: number;
  reportInterval: number;
  store: ResolvedTelemetryStoreOptions;
  verboseLogging: boolean;
  requestTimeout: number;
  maxOutboxEntries: number;
  maxDeadLetters: number;
  collectorTimeout: number;
  shutdownTimeout: number;
  manualRegistration: boolean;
  authToken?: string;
  authTokenUrl?: string;
  customHeaders: Record<string, string>;
  signing: {
    enabled: boolean;
    key?: string;
    header: string;
    mode: 'compatible' | 'timestamped';
  };
  encryptionKey?: string;
  allowInsecureTransport: boolean;
  flagsUrl?: string;
  flagsPollInterval: number;
  /** Error capture and audit; absent when not configured. */
  errors?: ResolvedTelemetryErrorsOptions;
}
