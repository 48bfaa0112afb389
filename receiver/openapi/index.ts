export * from './api-docs.decorators';
export * from './openapi.constants';
export * from './openapi.setup';
