import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { ReceiverModuleOptions } from './config/receiver-options.interface';
import { RECEIVER_OPTIONS } from './config/receiver-options.constants';
import {
  RECEIVER_API_MODULES,
  RECEIVER_ROOT_MODULES,
  wireReceiverModules,
} from './receiver.features';
import {
  ConfigurableReceiverModule,
  RECEIVER_ASYNC_OPTIONS_TYPE,
  RECEIVER_MODULE_OPTIONS,
  RECEIVER_OPTIONS_TYPE,
} from './receiver.module-definition';
import { resolveReceiverOptions, resolveRoutePrefix } from './config/receiver-options.resolver';
import { ReceiverCoreModule } from './receiver-core.module';
import { RECEIVER_EXISTING_DATA_SOURCE } from './storage/storage.constants';

const resolvedOptionsProvider = (routePrefix: string, dataSourceName?: string): Provider => ({
  provide: RECEIVER_OPTIONS,
  inject: [RECEIVER_MODULE_OPTIONS],
  useFactory: (options: ReceiverModuleOptions) =>
    resolveReceiverOptions({
      ...options,
      routePrefix,
      ...(dataSourceName ? { database: dataSourceName } : {}),
    }),
});

const prefixOf = (value: string | undefined): string => resolveRoutePrefix(value);

/**
 * The central server: mounts the receiver's routes (Micrologs API, telemetry, flags, hosts,
 * health) on the host application.
 *
 * @example
 * ```ts
 * @Module({ imports: [ReceiverModule.forRoot({ adminKey: process.env.ADMIN_KEY })] })
 * export class AppModule {}
 * ```
 */
@Module({})
export class ReceiverModule extends ConfigurableReceiverModule {
  /** Mounts the receiver with options known up front (env `RECEIVER_*` fills the gaps). */
  static override forRoot(options: typeof RECEIVER_OPTIONS_TYPE = {}): DynamicModule {
    const name = typeof options.database === 'string' ? options.database : options.dataSourceName;
    return ReceiverModule.assemble(
      super.forRoot(options),
      prefixOf(options.routePrefix),
      name,
      options.isGlobal,
    );
  }

  /** Mounts the receiver with options from a factory (e.g. `ConfigService`). */
  static override forRootAsync(options: typeof RECEIVER_ASYNC_OPTIONS_TYPE): DynamicModule {
    return ReceiverModule.assemble(
      super.forRootAsync(options),
      prefixOf(options.routePrefix),
      options.dataSourceName,
      options.isGlobal,
    );
  }

  private static assemble(
    definition: DynamicModule,
    routePrefix: string,
    dataSourceName?: string,
    isGlobal = false,
  ): DynamicModule {
    // A named connection is injected by its token, so Nest creates it before the receiver's
    // storage provider asks for it.
    const existing: Provider[] = dataSourceName
      ? [
          {
            provide: RECEIVER_EXISTING_DATA_SOURCE,
            useExisting: getDataSourceToken(dataSourceName),
          },
        ]
      : [];
    const routes = [
      ...RECEIVER_API_MODULES.map((module) => ({ path: routePrefix, module })),
      ...RECEIVER_ROOT_MODULES.map((module) => ({ path: '', module })),
    ];
    // The options (and the imports an async factory needs) live in the core, which every
    // receiver module imports; nothing is global.
    const core = ReceiverCoreModule.withOptions({
      imports: definition.imports,
      providers: [
        ...(definition.providers ?? []),
        resolvedOptionsProvider(routePrefix, dataSourceName),
        ...existing,
      ],
    });
    const modules = wireReceiverModules(core);
    return {
      module: ReceiverModule,
      imports: [core, ...modules.all, RouterModule.register(routes)],
      global: isGlobal,
      exports: modules.public,
    };
  }
}
