import type { Provider } from '@nestjs/common';
import { TelemetryCollectionService } from '../collectors/telemetry-collection.service';
import { ErrorsSender } from '../errors/outbox/errors.sender';
import { FeatureFlagsService } from '../flags/feature-flags.service';
import { FeatureFlagsSynchronizer } from '../flags/feature-flags.synchronizer';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { DeadLetters } from '../outbox/dead-letters';
import { TelemetryReporter } from '../reporting/telemetry.reporter';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';

/**
 * Token under which TelemetryModule hands the `nestjs-telemetry` CLI what it works with. The CLI's
 * copy of this package is often not the application's — the compiled `dist/` beside TypeScript
 * sources, or an `npx` install beside the app's own — and two copies mean two sets of classes, so
 * a lookup by class finds nothing. `Symbol.for` yields the same symbol in every copy. The version
 * suffix changes when {@link TelemetryCliAccess} does, so a CLI never drives an API it does not know.
 *
 * @internal
 */
export const TELEMETRY_CLI_ACCESS = Symbol.for('nestjs-telemetry.cli-access.v2');

/**
 * The previous version's token: v2 only added to v1, so a CLI that knows v1 still drives this
 * application.
 *
 * @internal
 */
export const TELEMETRY_CLI_ACCESS_V1 = Symbol.for('nestjs-telemetry.cli-access.v1');

/** @internal What the CLI commands call, whichever copy of the package booted the application. */
export interface TelemetryCliAccess {
  options: ResolvedTelemetryOptions;
  collection: Pick<TelemetryCollectionService, 'getStatuses' | 'collect' | 'collectDue'>;
  reporter: Pick<TelemetryReporter, 'sendBacklog'>;
  /** The dead letters of each outbox whose store keeps them: telemetry's, then the errors'. */
  deadLetters: Array<Pick<DeadLetters, 'outbox' | 'list' | 'count' | 'retry' | 'drop'>>;
  synchronizer: Pick<FeatureFlagsSynchronizer, 'syncNow'>;
  flags: Pick<FeatureFlagsService, 'getAll'>;
}

/** @internal */
export const telemetryCliAccessV1Provider: Provider = {
  provide: TELEMETRY_CLI_ACCESS_V1,
  useExisting: TELEMETRY_CLI_ACCESS,
};

/** @internal */
export const telemetryCliAccessProvider: Provider = {
  provide: TELEMETRY_CLI_ACCESS,
  inject: [
    TELEMETRY_OPTIONS,
    TelemetryCollectionService,
    TelemetryReporter,
    ErrorsSender,
    FeatureFlagsSynchronizer,
    FeatureFlagsService,
  ],
  useFactory: (
    options: ResolvedTelemetryOptions,
    collection: TelemetryCollectionService,
    reporter: TelemetryReporter,
    errors: ErrorsSender,
    synchronizer: FeatureFlagsSynchronizer,
    flags: FeatureFlagsService,
  ): TelemetryCliAccess => ({
    options,
    collection,
    reporter,
    deadLetters: [reporter.deadLetters, errors.deadLetters].filter((letters) => letters.kept),
    synchronizer,
    flags,
  }),
};
