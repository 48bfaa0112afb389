export * from './entities';
export * from './migrations';
export * from './dialect';
export * from './storage.constants';
export * from './data-source.factory';
export * from './inject-receiver-data-source.decorator';
export * from './column.transformers';
