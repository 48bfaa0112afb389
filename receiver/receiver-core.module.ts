import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PROJECT_KEY_LOOKUP } from './common/auth/auth.constants';
import { ProjectKeysService } from './projects/project-keys.service';
import { ReceiverAuthGuard } from './common/auth/receiver-auth.guard';
import { ReceiverExceptionFilter } from './common/filters/receiver-exception.filter';
import { installFrontDoor, installNotFound } from './common/http/front-door.installer';
import { ReceiverFrontDoor } from './common/http/receiver-front-door';
import { ReceiverRouteTable } from './common/http/receiver-route.table';
import { RateLimitGuard } from './common/rate-limit/rate-limit.guard';
import { ReceiverClock } from './common/time/receiver-time';
import { RECEIVER_REDIS } from './common/redis/redis.providers';
import { ReceiverRedisLifecycle, receiverRedisProvider } from './common/redis/redis.providers';
import {
  RATE_LIMIT_STORAGE,
  rateLimitStorageProvider,
} from './common/rate-limit/rate-limit.providers';
import type { ResolvedReceiverOptions } from './config/receiver-options.interface';
import { ProjectEvents } from './projects/project.events';
import { ProjectDataRegistry } from './projects/project-data.registry';
import { RECEIVER_OPTIONS } from './config/receiver-options.constants';
import { RECEIVER_API_MODULES, RECEIVER_ROOT_MODULES } from './receiver.features';
import { ReceiverStorageLifecycle } from './storage/storage.lifecycle';
import { receiverDataSourceProvider } from './storage/storage.providers';
import { RECEIVER_DATA_SOURCE } from './storage/storage.constants';
import { ReceiverStats } from './common/stats/receiver-stats';

const frontDoorProvider: Provider = {
  provide: ReceiverFrontDoor,
  inject: [RECEIVER_OPTIONS],
  useFactory: (options: ResolvedReceiverOptions) =>
    new ReceiverFrontDoor(
      options,
      new ReceiverRouteTable()
        .addModules(options.routePrefix, RECEIVER_API_MODULES)
        .addModules('', RECEIVER_ROOT_MODULES),
    ),
};

/**
 * The shared base of every receiver feature: options, data source, rate-limit storage, guards,
 * the exception filter, the front door, and the project events and data registry every domain
 * reaches. Not global: `ReceiverModule` creates one per `forRoot`
 * ({@link ReceiverCoreModule.withOptions}) and wires every feature module to it, so the host
 * application never sees these providers.
 */
@Module({
  providers: [
    receiverDataSourceProvider,
    ReceiverStorageLifecycle,
    receiverRedisProvider,
    ReceiverRedisLifecycle,
    rateLimitStorageProvider,
    RateLimitGuard,
    ReceiverAuthGuard,
    ProjectKeysService,
    { provide: PROJECT_KEY_LOOKUP, useExisting: ProjectKeysService },
    ReceiverExceptionFilter,
    frontDoorProvider,
    ProjectEvents,
    ProjectDataRegistry,
    ReceiverClock,
    ReceiverStats,
  ],
  exports: [
    RECEIVER_DATA_SOURCE,
    RECEIVER_REDIS,
    RATE_LIMIT_STORAGE,
    RateLimitGuard,
    ReceiverAuthGuard,
    ProjectKeysService,
    PROJECT_KEY_LOOKUP,
    ReceiverExceptionFilter,
    ProjectEvents,
    ProjectDataRegistry,
    ReceiverClock,
    ReceiverStats,
  ],
})
export class ReceiverCoreModule implements NestModule, OnModuleInit {
  /**
   * The core with the providers that compute `RECEIVER_OPTIONS` (and the imports their factory
   * needs, e.g. a `ConfigModule`), exporting the options to the feature modules.
   */
  static withOptions(options: {
    imports?: DynamicModule['imports'];
    providers: Provider[];
    exports?: DynamicModule['exports'];
  }): DynamicModule {
    return {
      module: ReceiverCoreModule,
      imports: options.imports ?? [],
      providers: options.providers,
      exports: [RECEIVER_OPTIONS, ...(options.exports ?? [])],
    };
  }

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ReceiverFrontDoor) private readonly frontDoor: ReceiverFrontDoor,
  ) {}

  // Nest calls configure() before it registers routes and after its body parsers: the right
  // moment to put the front door ahead of both.
  configure(_consumer: MiddlewareConsumer): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter) installFrontDoor(adapter, this.frontDoor);
  }

  // Routes are registered by now and Nest's own not-found handler is not yet.
  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter) installNotFound(adapter, this.frontDoor);
  }
}
