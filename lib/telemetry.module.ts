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
import { telemetryCliAccessProvider } from './cli/telemetry-cli.access';

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
  ],
})
export class TelemetryModule extends ConfigurableTelemetryModule implements OnApplicationShutdown {
  /** @internal Nest creates the module. */
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
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

  /** Closes the store this module created; a store instance passed in belongs to the caller. */
  async onApplicationShutdown(): Promise<void> {
    if (this.options.store.type !== 'custom') await this.store.close();
  }
}
