export * from './collectors/telemetry-interval.enum';
