export * from './entities';
export * from './migrations';
export * from './sql/sql-dialect';
export * from './sql/sql-runner';
export * from './storage.constants';
export * from './data-source.factory';
export * from './inject-receiver-data-source.decorator';
export * from './column.transformers';
