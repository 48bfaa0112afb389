export * from './interfaces/tracking-jobs.interface';
export * from '../cache/interfaces/error-cache-invalidator.interface';
export { PAGEVIEW_JOB, ERROR_JOB, AUDIT_JOB } from './tracking.constants';
export { TrackingModule } from './tracking.module';
export { DimensionResolver } from './ingest/dimension.resolver';
