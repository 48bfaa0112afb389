export * from './collectors/telemetry-interval.enum';
export * from './collectors/decorators/telemetry.decorator';
export * from './collectors/interfaces/telemetry-collector-options.interface';
export * from './options/telemetry-module-options.interface';
export * from './options/resolved-telemetry-options.interface';
export { resolveTelemetryOptions } from './options/telemetry-options.resolver';
export * from './outbox/interfaces/telemetry-store.interface';
export { MemoryTelemetryStore } from './outbox/stores/memory.store';
export * from './reporting/interfaces/telemetry-payload.interface';
export * from './transport/telemetry-http.client';
export {
  TELEMETRY_OPTIONS,
  TELEMETRY_STORE,
  TELEMETRY_USER_AGENT,
  TELEMETRY_DEFAULTS,
} from './telemetry.constants';
export {
  TELEMETRY_MODULE_OPTIONS,
  type TelemetryModuleExtras,
} from './telemetry.module-definition';
export { TelemetryModule } from './telemetry.module';
