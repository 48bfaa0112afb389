import type {
  EvaluationContext,
  JsonValue,
  OpenFeatureEventEmitter,
  Provider,
  ProviderMetadata,
  ResolutionDetails,
} from '@openfeature/server-sdk';
import type { Subscription } from 'rxjs';
import type { FeatureFlagsService } from '../feature-flags.service';
import { flagOf } from '../flag-set.reader';
import type { FeatureFlagValue } from '../interfaces/feature-flags.interface';
import { loadOpenFeatureSdk, OpenFeatureSdk } from './openfeature.loader';

type FlagType = 'boolean' | 'string' | 'number' | 'object';

/**
 * An OpenFeature provider backed by {@link FeatureFlagsService}: the standard OpenFeature API (and the
 * `@openfeature/nestjs-sdk` decorators) read the flags the central server decided for this host.
 * Values are typed strictly: a flag whose value does not have the requested type resolves to the
 * caller's default with `TYPE_MISMATCH`; an unknown flag with `FLAG_NOT_FOUND`. Every change of the
 * flags is announced as `PROVIDER_CONFIGURATION_CHANGED` with the names of the changed flags.
 *
 * Requires `@openfeature/server-sdk` (an optional peer dependency); constructing it without the SDK
 * throws an error with the install command.
 */
export class TelemetryOpenFeatureProvider implements Provider {
  readonly metadata: ProviderMetadata = { name: 'nestjs-telemetry' };
  readonly runsOn = 'server';
  readonly events: OpenFeatureEventEmitter;
  private readonly sdk: OpenFeatureSdk;
  private readonly subscription: Subscription;

  constructor(private readonly flags: FeatureFlagsService) {
    this.sdk = loadOpenFeatureSdk();
    this.events = new this.sdk.OpenFeatureEventEmitter();
    this.subscription = flags.changes$.subscribe((change) =>
      this.events.emit(this.sdk.ProviderEvents.ConfigurationChanged, {
        flagsChanged: change.changes.map((c) => c.name),
      }),
    );
  }

  async resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    _context?: EvaluationContext,
  ): Promise<ResolutionDetails<boolean>> {
    return this.resolve(flagKey, defaultValue, 'boolean');
  }

  async resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    _context?: EvaluationContext,
  ): Promise<ResolutionDetails<string>> {
    return this.resolve(flagKey, defaultValue, 'string');
  }

  async resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    _context?: EvaluationContext,
  ): Promise<ResolutionDetails<number>> {
    return this.resolve(flagKey, defaultValue, 'number');
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    _context?: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.resolve(flagKey, defaultValue, 'object');
  }

  /** Stops relaying flag changes (OpenFeature calls it when the provider is replaced or closed). */
  async onClose(): Promise<void> {
    this.subscription.unsubscribe();
  }

  private resolve<T>(flagKey: string, defaultValue: T, type: FlagType): ResolutionDetails<T> {
    const { ErrorCode, StandardResolutionReasons } = this.sdk;
    const value: FeatureFlagValue | undefined = flagOf(this.flags.getAll(), flagKey);
    if (value === undefined) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `Flag "${flagKey}" is not known for this host.`,
      };
    }
    const actual = value === null ? 'null' : typeof value;
    if (actual !== type) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.TYPE_MISMATCH,
        errorMessage: `Flag "${flagKey}" is a ${actual}, not a ${type}.`,
      };
    }
    return { value: value as T, reason: StandardResolutionReasons.STATIC };
  }
}
