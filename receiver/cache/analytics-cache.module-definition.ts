import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AnalyticsCacheOptions } from './interfaces/analytics-cache-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableAnalyticsCacheModule,
  MODULE_OPTIONS_TOKEN: ANALYTICS_CACHE_OPTIONS,
} = new ConfigurableModuleBuilder<AnalyticsCacheOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
