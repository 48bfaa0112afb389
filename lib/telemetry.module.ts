import { HttpModule } from '@nestjs/axios';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { TelemetryStore } from './outbox/interfaces/telemetry-store.interface';
import { createTelemetryStore } from './outbox/telemetry-store.factory';
import type { ResolvedTelemetryOptions } from './options/resolved-telemetry-options.interface';
import { resolveTelemetryOptions } from './options/telemetry-options.resolver';
import type { TelemetryModuleOptions } from './options/telemetry-module-options.interface';
import {
  TELEMETRY_OPTIONS,
  TELEMETRY_SCHEDULER_REGISTRY,
  TELEMETRY_STORE,
} from './telemetry.constants';
import {
  ConfigurableTelemetryModule,
  TELEMETRY_ASYNC_OPTIONS_TYPE,
  TELEMETRY_MODULE_OPTIONS,
  TELEMETRY_OPTIONS_TYPE,
} from './telemetry.module-definition';
import { TelemetryHttpClient } from './transport/telemetry-http.client';
import { TelemetrySchedulerModule } from './scheduler/telemetry-scheduler.module';
import { TelemetryTimers } from './scheduler/telemetry-timers';
import { TelemetryCollectionService } from './collectors/telemetry-collection.service';
import { TelemetryMetadataAccessor } from './discovery/telemetry-metadata.accessor';
import { TelemetryExplorer } from './discovery/telemetry.explorer';
import { TelemetryOrchestrator } from './collectors/telemetry.orchestrator';
import { TelemetryRegistry } from './collectors/telemetry.registry';
import { TelemetryOutbox } from './outbox/telemetry-outbox.service';
import { TelemetryReportScheduler } from './reporting/telemetry-report.scheduler';
import { TelemetryReporter } from './reporting/telemetry.reporter';
import { TelemetryResponseDispatcher } from './responses/telemetry-response.dispatcher';
import { AuthTokenManager } from './security/auth-token.manager';
import { RequestSecurityService } from './security/request-security.service';
import { FeatureFlagsService } from './flags/feature-flags.service';
import { FeatureFlagsSynchronizer } from './flags/feature-flags.synchronizer';
import { FeatureFlagsPoller } from './flags/feature-flags.poller';
import {
  telemetryCliAccessProvider,
  telemetryCliAccessV1Provider,
} from './cli/telemetry-cli.access';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TELEMETRY_ERROR_STORE } from './errors/errors.constants';
import { createErrorsStore } from './errors/outbox/errors-store.factory';
import { ErrorsOutbox } from './errors/outbox/errors.outbox';
import { ErrorsSender } from './errors/outbox/errors.sender';
import { ErrorsSendScheduler } from './errors/outbox/errors-send.scheduler';
import { ActorReader } from './errors/capture/actor.reader';
import { ErrorCaptureService } from './errors/capture/error-capture.service';
import { ErrorCaptureInterceptor } from './errors/capture/error-capture.interceptor';
import { ProcessErrorsListener } from './errors/capture/process-errors.listener';
import { AuditService } from './errors/audit/audit.service';

/**
 * The client plugin: discovers `@Telemetry()` collectors, schedules them, keeps their values in
 * the outbox and reports them to `serverUrl`.
 *
 * @example
 * ```ts
 * @Module({ imports: [TelemetryModule.forRoot({ serverUrl: 'https://telemetry.example.com/api/telemetry' })] })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [DiscoveryModule, HttpModule, TelemetrySchedulerModule],
  providers: [
    {
      provide: TELEMETRY_OPTIONS,
      useFactory: (options: TelemetryModuleOptions) => resolveTelemetryOptions(options),
      inject: [TELEMETRY_MODULE_OPTIONS],
    },
    {
      provide: TELEMETRY_STORE,
      useFactory: (options: ResolvedTelemetryOptions) => createTelemetryStore(options),
      inject: [TELEMETRY_OPTIONS],
    },
    // Inside this module, `SchedulerRegistry` is the registry TelemetrySchedulerModule chose.
    { provide: SchedulerRegistry, useExisting: TELEMETRY_SCHEDULER_REGISTRY },
    TelemetryTimers,
    TelemetryHttpClient,
    TelemetryMetadataAccessor,
    TelemetryRegistry,
    TelemetryExplorer,
    TelemetryCollectionService,
    TelemetryOrchestrator,
    TelemetryOutbox,
    TelemetryReporter,
    TelemetryReportScheduler,
    TelemetryResponseDispatcher,
    AuthTokenManager,
    RequestSecurityService,
    FeatureFlagsService,
    FeatureFlagsSynchronizer,
    FeatureFlagsPoller,
    telemetryCliAccessProvider,
    telemetryCliAccessV1Provider,
    {
      provide: TELEMETRY_ERROR_STORE,
      useFactory: (options: ResolvedTelemetryOptions) => createErrorsStore(options),
      inject: [TELEMETRY_OPTIONS],
    },
    ErrorsOutbox,
    ErrorsSender,
    ErrorsSendScheduler,
    ActorReader,
    ErrorCaptureService,
    ProcessErrorsListener,
    AuditService,
    // A no-op pass-through unless the `errors` option is configured.
    { provide: APP_INTERCEPTOR, useClass: ErrorCaptureInterceptor },
  ],
  exports: [
    TELEMETRY_OPTIONS,
    TelemetrySchedulerModule,
    TELEMETRY_STORE,
    TelemetryHttpClient,
    TelemetryRegistry,
    TelemetryCollectionService,
    TelemetryOutbox,
    TelemetryReporter,
    TelemetryResponseDispatcher,
    FeatureFlagsService,
    FeatureFlagsSynchronizer,
    ErrorCaptureService,
    AuditService,
  ],
})
export class TelemetryModule extends ConfigurableTelemetryModule implements OnApplicationShutdown {
  /** @internal Nest creates the module. */
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_ERROR_STORE) private readonly errorStore: TelemetryStore | null,
  ) {
    super();
  }

  /** Options win over environment variables; without an argument the environment alone decides. */
  static override forRoot(options: typeof TELEMETRY_OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  /** Options from a factory, class or existing provider (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof TELEMETRY_ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  /** Closes the stores this module created; a store instance passed in belongs to the caller. */
  async onApplicationShutdown(): Promise<void> {
    if (this.options.store.type !== 'custom') await this.store.close();
    if (this.errorStore && this.options.errors?.store.type !== 'custom')
      await this.errorStore.close();
  }
}
