import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ReceiverModuleOptions } from './config/receiver-options.interface';

/** Options of the module definition itself (known before any async factory runs). */
export interface ReceiverModuleExtras {
  /**
   * URL prefix of every receiver route. It shapes the route table, so it is read when the module
   * is defined (also in `forRootAsync`). Default: `RECEIVER_ROUTE_PREFIX` or `api`.
   */
  routePrefix?: string;
  /**
   * Name of a TypeORM connection the application registered (`TypeOrmModule.forRoot({ name })`)
   * for the receiver to use. Needed with `forRootAsync`; with `forRoot`, `database: '<name>'`
   * does the same.
   */
  dataSourceName?: string;
  /**
   * Makes the services `ReceiverModule` exports (`ProjectsService`, `FeatureFlagsService`,
   * `TelemetryHostsService`, `LinksService`, `HealthIndicatorRegistry`) injectable in every module
   * of the application, not only in the one importing it. The receiver's internals stay private
   * either way. Default `false`.
   */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableReceiverModule,
  MODULE_OPTIONS_TOKEN: RECEIVER_MODULE_OPTIONS,
  OPTIONS_TYPE: RECEIVER_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: RECEIVER_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ReceiverModuleOptions>({ moduleName: 'Receiver' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createReceiverOptions')
  .setExtras<ReceiverModuleExtras>({}, (definition) => definition)
  .build();
