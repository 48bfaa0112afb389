// `nestjs-telemetry/openfeature`: the OpenFeature integration, an entry of its own so that apps
// without the optional `@openfeature/server-sdk` never load (or type-check against) it.
export { TelemetryOpenFeatureProvider } from './telemetry-openfeature.provider';
export {
  TelemetryOpenFeatureModule,
  type TelemetryOpenFeatureOptions,
} from './telemetry-openfeature.module';
