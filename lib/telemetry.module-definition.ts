import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { TelemetryModuleOptions } from './options/telemetry-module-options.interface';

/** Extras of `forRoot()` / `forRootAsync()` that shape the module rather than its options. */
export interface TelemetryModuleExtras {
  /** Register the module globally (default `true`), so its services can be injected anywhere. */
  isGlobal?: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableTelemetryModule,
  MODULE_OPTIONS_TOKEN: TELEMETRY_MODULE_OPTIONS,
  OPTIONS_TYPE: TELEMETRY_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: TELEMETRY_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<TelemetryModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras<TelemetryModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
