import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { FeatureFlagsService } from '../feature-flags.service';
import { loadOpenFeatureSdk } from './openfeature.loader';
import { TelemetryOpenFeatureProvider } from './telemetry-openfeature.provider';

/** Options of {@link TelemetryOpenFeatureModule.forRoot}. */
export interface TelemetryOpenFeatureOptions {
  /**
   * OpenFeature domain to bind the provider to; without one it becomes the default provider, which
   * is what `@openfeature/nestjs-sdk` clients and decorators use unless told otherwise.
   */
  domain?: string;
}

const OPENFEATURE_OPTIONS = Symbol('TELEMETRY_OPENFEATURE_OPTIONS');

@Injectable()
class TelemetryOpenFeatureRegistrar implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly provider: TelemetryOpenFeatureProvider,
    @Inject(OPENFEATURE_OPTIONS) private readonly options: TelemetryOpenFeatureOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const { OpenFeature } = loadOpenFeatureSdk();
    if (this.options.domain)
      await OpenFeature.setProviderAndWait(this.options.domain, this.provider);
    else await OpenFeature.setProviderAndWait(this.provider);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.onClose();
  }
}

/**
 * Registers {@link TelemetryOpenFeatureProvider} with OpenFeature at start, so
 * `OpenFeature.getClient()` and the `@openfeature/nestjs-sdk` decorators read the telemetry flags.
 * Needs `TelemetryModule` (global by default) and `@openfeature/server-sdk`.
 *
 * @example
 * ```ts
 * imports: [TelemetryModule.forRoot(), TelemetryOpenFeatureModule.forRoot(), OpenFeatureModule.forRoot({})]
 * ```
 */
@Module({})
export class TelemetryOpenFeatureModule {
  static forRoot(options: TelemetryOpenFeatureOptions = {}): DynamicModule {
    return {
      module: TelemetryOpenFeatureModule,
      providers: [
        { provide: OPENFEATURE_OPTIONS, useValue: options },
        {
          provide: TelemetryOpenFeatureProvider,
          useFactory: (flags: FeatureFlagsService) => new TelemetryOpenFeatureProvider(flags),
          inject: [FeatureFlagsService],
        },
        TelemetryOpenFeatureRegistrar,
      ],
      exports: [TelemetryOpenFeatureProvider],
    };
  }
}
