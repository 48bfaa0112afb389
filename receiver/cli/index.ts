export * from './cli-args';
export * from './receiver-migrate.command';
export * from './receiver-create-project.command';
export * from './receiver-purge.command';
