import '../receiver.packages';
export * from './cli-args';
export * from './receiver-migrate.command';
export * from './receiver-create-project.command';
