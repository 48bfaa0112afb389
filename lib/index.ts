export * from './collectors/telemetry-interval.enum';
export * from './collectors/decorators/telemetry.decorator';
export * from './collectors/interfaces/telemetry-collector.interface';
export { TelemetryRegistry } from './collectors/telemetry.registry';
export {
  TelemetryCollectionService,
  type TelemetryCollectionResult,
} from './collectors/telemetry-collection.service';
export { collectorTimerName } from './collectors/telemetry.orchestrator';
export * from './options/telemetry-module-options.interface';
export * from './options/resolved-telemetry-options.interface';
export { resolveTelemetryOptions } from './options/telemetry-options.resolver';
export * from './outbox/interfaces/telemetry-store.interface';
export { MemoryTelemetryStore } from './outbox/stores/memory.store';
export { FileTelemetryStore } from './outbox/stores/file.store';
export { RedisTelemetryStore } from './outbox/stores/redis.store';
export { TelemetryOutbox } from './outbox/telemetry-outbox.service';
export type { TelemetryPayload, TelemetryValueMeta, TelemetryValueType } from './protocol';
export { REPORT_TIMER_NAME } from './reporting/telemetry-report.scheduler';
export { buildBatches, type TelemetryBatch } from './reporting/telemetry-payload.builder';
export {
  redactSecrets,
  TelemetryReporter,
  type TelemetryReportOutcome,
} from './reporting/telemetry.reporter';
export * from './responses/decorators/telemetry-response-handler.decorator';
export {
  TelemetryResponseDispatcher,
  type TelemetryResponseHandlerDefinition,
} from './responses/telemetry-response.dispatcher';
export * from './transport/telemetry-http.client';
export {
  TELEMETRY_OPTIONS,
  TELEMETRY_STORE,
  TELEMETRY_SCHEDULER_REGISTRY,
  TELEMETRY_USER_AGENT,
  TELEMETRY_DEFAULTS,
  lastRunValueKey,
} from './telemetry.constants';
export {
  TELEMETRY_MODULE_OPTIONS,
  type TelemetryModuleExtras,
} from './telemetry.module-definition';
export { TelemetryModule } from './telemetry.module';
export * from './flags/interfaces/feature-flags.interface';
export { FeatureFlagsService } from './flags/feature-flags.service';
export {
  FeatureFlagsSynchronizer,
  type FeatureFlagsSyncResult,
} from './flags/feature-flags.synchronizer';
export { FEATURE_FLAGS_STORE_KEY } from './flags/flags.constants';
export { AuthTokenManager, AuthTokenUnavailableError } from './security/auth-token.manager';
export {
  type EncryptedEnvelope,
  ENCRYPTION_HEADER,
  ENCRYPTION_SCHEME,
  TIMESTAMP_HEADER,
} from './protocol';
export { AUTH_TOKEN_STORE_KEY } from './security/security.constants';
export { resolveFlagsUrl } from './transport/flags-url';
export { TelemetryOpenFeatureProvider } from './flags/openfeature/telemetry-openfeature.provider';
export {
  TelemetryOpenFeatureModule,
  type TelemetryOpenFeatureOptions,
} from './flags/openfeature/telemetry-openfeature.module';
