// The public API of `nestjs-telemetry/receiver`: the module and its options, what a host
// application wires around it (Fastify options, OpenAPI, file logger, its own TypeORM connection),
// the services the module exports and the health-check extension point. Everything else is
// internal and may change in any release.

// First: fails with the install command when the receiver's peer dependencies are missing.
import './receiver.packages';

// Module and options
export { ReceiverModule } from './receiver.module';
export { RECEIVER_MODULE_OPTIONS, type ReceiverModuleExtras } from './receiver.module-definition';
export type {
  IngestQueueDriver,
  RateLimitOptions,
  RealtimeOptions,
  ReceiverModuleOptions,
  RedisQueueOptions,
} from './config/receiver-options.interface';

// What a host application may plug in through the options (`rateLimit`, `analyticsCache`, `ingest`)
export type {
  AnalyticsCacheStore,
  IngestBatchWriter,
  IngestJob,
  IngestQueue,
  IngestQueueHealth,
  RateLimitOutcome,
  RateLimitStorage,
} from './config/receiver-extensions.interface';
export { newEventId } from './ingest/event-id';

// Serving it
export { RECEIVER_FASTIFY_OPTIONS } from './receiver-fastify.options';
export {
  setupReceiverOpenApi,
  type ReceiverOpenApiDocument,
  type ReceiverOpenApiOptions,
} from './receiver-openapi.setup';
export { ReceiverFileLogger, type ReceiverFileLoggerOptions } from './logging/receiver-file.logger';

// Storage, for an application that registers the receiver's TypeORM connection itself
export { RECEIVER_ENTITIES, ProjectEntity } from './storage/entities';
export { RECEIVER_MIGRATIONS } from './storage/migrations';
export { RECEIVER_MIGRATIONS_TABLE } from './storage/storage.constants';

// The services ReceiverModule exports to the module that imports it
export { ProjectsService } from './projects/projects.service';
export { TelemetryHostsService } from './telemetry/hosts/telemetry-hosts.service';
// Renamed here: `FeatureFlagsService` is the client's flag reader (`nestjs-telemetry`).
export { FeatureFlagsService as ReceiverFeatureFlagsService } from './telemetry/flags/feature-flags.service';
export { LinksService } from './links/links.service';
export { HealthIndicatorRegistry } from './health/health-indicator.registry';
export type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from './health/interfaces/health-indicator.interface';

// Alert webhooks: what the endpoint receiving them uses to check their signature
export { signAlertPayload, verifyAlertSignature } from './alerts/delivery/alert-signature';
export { ALERT_DELIVERY_HEADER, ALERT_SIGNATURE_HEADER } from './alerts/alerts.constants';
