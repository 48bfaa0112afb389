export * from './interfaces/health-indicator.interface';
export * from './health-indicator.registry';
export * from './health.service';
export * from './health.module';
