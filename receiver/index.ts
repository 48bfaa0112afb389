// The public API of `nestjs-telemetry/receiver`: the module, its option types and tokens, what a
// host application wires around it (Fastify options, OpenAPI, file logger, its own TypeORM
// connection), the services and decorators for routes of its own, and the interfaces it may
// implement. Everything else is internal and may change in any release.

// First: fails with the install command when the receiver's peer dependencies are missing.
import './receiver.packages';

// Module and options
export { ReceiverModule } from './receiver.module';
export { RECEIVER_MODULE_OPTIONS, type ReceiverModuleExtras } from './receiver.module-definition';
export type {
  ReceiverModuleOptions,
  ResolvedReceiverOptions,
} from './config/receiver-options.interface';
export { RECEIVER_OPTIONS } from './config/receiver-options.constants';

// Serving it
export { RECEIVER_FASTIFY_OPTIONS } from './receiver-fastify.options';
export {
  setupReceiverOpenApi,
  type ReceiverOpenApiDocument,
  type ReceiverOpenApiOptions,
} from './receiver-openapi.setup';
export { ReceiverFileLogger, type ReceiverFileLoggerOptions } from './logging';

// Storage, for an application that registers the receiver's TypeORM connection itself
export { RECEIVER_ENTITIES, ProjectEntity } from './storage/entities';
export { RECEIVER_MIGRATIONS } from './storage/migrations';
export { RECEIVER_DATA_SOURCE, RECEIVER_MIGRATIONS_TABLE } from './storage/storage.constants';
export { InjectReceiverDataSource } from './storage/inject-receiver-data-source.decorator';

// Services and decorators for routes of the host application
export { ProjectsService } from './projects/projects.service';
export { ReceiverAuth } from './common/auth/decorators/receiver-auth.decorator';
export type { ReceiverAuthKind } from './common/auth/auth.constants';
export { CurrentProject } from './common/auth/decorators/current-project.decorator';
export { RateLimit } from './common/rate-limit/decorators/rate-limit.decorator';

// Extension points
export { HealthIndicatorRegistry } from './health/health-indicator.registry';
export type {
  HealthCheckResult,
  ReceiverHealthIndicator,
} from './health/interfaces/health-indicator.interface';
export { RATE_LIMIT_STORAGE } from './common/rate-limit/rate-limit.constants';
export type { RateLimitOutcome, RateLimitStorage } from './common/rate-limit/rate-limit.storage';
export { ANALYTICS_CACHE_STORE } from './cache/analytics-cache.constants';
export type { AnalyticsCacheStore } from './cache/interfaces/analytics-cache-store.interface';
export { INGEST_QUEUE } from './ingest/ingest.constants';
export { IngestHandlerRegistry } from './ingest/ingest-handler.registry';
export type {
  IngestBatchContext,
  IngestHandler,
  IngestJob,
  IngestQueue,
  IngestQueueHealth,
} from './ingest/interfaces/ingest.interfaces';
