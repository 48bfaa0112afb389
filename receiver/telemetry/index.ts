export * from './telemetry-receiver.module';
export * from './telemetry.constants';
export * from './flags/feature-flags.service';
export * from './flags/flag-resolver';
export * from './hosts/telemetry-hosts.service';
