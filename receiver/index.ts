export * from './receiver.module';
export * from './receiver-core.module';
export * from './receiver.constants';
export * from './receiver.features';
export * from './receiver-options.resolver';
export * from './interfaces/receiver-options.interface';
export * from './common';
export * from './storage';
