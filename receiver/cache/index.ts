export * from './analytics-cache.constants';
export * from './analytics-cache.keys';
export * from './analytics-cache.module';
export { ANALYTICS_CACHE_OPTIONS } from './analytics-cache.module-definition';
export * from './analytics-cache.service';
export * from './interfaces/analytics-cache-options.interface';
export type { AnalyticsCacheStore } from '../config/receiver-extensions.interface';
export * from './memory-analytics-cache.store';
export * from './redis-analytics-cache.store';
