// The public API of `nestjs-telemetry`: the module, its decorators and services, option types and
// tokens, and the interfaces an application may implement. Everything else is internal and may
// change in any release. The OpenFeature integration is its own entry: `nestjs-telemetry/openfeature`.

// Module and options
export { TelemetryModule } from './telemetry.module';
export {
  TELEMETRY_MODULE_OPTIONS,
  type TelemetryModuleExtras,
} from './telemetry.module-definition';
export type {
  TelemetryModuleOptions,
  TelemetrySigningOptions,
} from './options/telemetry-module-options.interface';
export type {
  ResolvedTelemetryOptions,
  ResolvedTelemetryStoreOptions,
} from './options/resolved-telemetry-options.interface';
export { TELEMETRY_OPTIONS, TELEMETRY_STORE } from './telemetry.constants';

// Collectors
export { Telemetry } from './collectors/decorators/telemetry.decorator';
export { TelemetryInterval } from './collectors/telemetry-interval.enum';
export type { TelemetryCollectorOptions } from './collectors/decorators/telemetry.decorator';
export type {
  TelemetryCollector,
  TelemetryCollectorStatus,
} from './collectors/interfaces/telemetry-collector.interface';
export { TelemetryRegistry } from './collectors/telemetry.registry';
export {
  TelemetryCollectionService,
  type TelemetryCollectionResult,
} from './collectors/telemetry-collection.service';

// Reporting and the receiver's answers
export { TelemetryReporter, type TelemetryReportOutcome } from './reporting/telemetry.reporter';
export { TelemetryResponseHandler } from './responses/decorators/telemetry-response-handler.decorator';
export type { TelemetryResponseHandlerDefinition } from './responses/telemetry-response.dispatcher';

// Outbox storage (implement TelemetryStore to keep the backlog elsewhere)
export type {
  DeadLetter,
  OutboxEntry,
  OutboxEntryInput,
  TelemetryLock,
  TelemetryStore,
} from './outbox/interfaces/telemetry-store.interface';

// Feature flags
export { FeatureFlagsService } from './flags/feature-flags.service';
export {
  FeatureFlagsSynchronizer,
  type FeatureFlagsSyncResult,
} from './flags/feature-flags.synchronizer';
export type {
  FeatureFlagChange,
  FeatureFlags,
  FeatureFlagsChange,
  FeatureFlagsSource,
  FeatureFlagValue,
} from './flags/interfaces/feature-flags.interface';

// Error capture and audit (the `errors` option)
export type {
  ErrorEnvironment,
  ErrorSeverity,
  TelemetryErrorsOptions,
} from './errors/interfaces/error-capture-options.interface';
export type { ResolvedTelemetryErrorsOptions } from './errors/interfaces/resolved-errors-options.interface';
export {
  ErrorCaptureService,
  type ErrorCaptureDetails,
} from './errors/capture/error-capture.service';
export { AuditService } from './errors/audit/audit.service';
export { Audited } from './errors/audit/decorators/audited.decorator';
export type { AuditedOptions } from './errors/interfaces/audited-options.interface';

// Wire protocol (shared with the receiver; exported from this entry point only)
export {
  ENCRYPTION_HEADER,
  ENCRYPTION_SCHEME,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type EncryptedEnvelope,
  type TelemetryPayload,
  type TelemetryValueMeta,
  type TelemetryValueType,
} from './protocol';
