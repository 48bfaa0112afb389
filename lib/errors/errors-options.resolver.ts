import { dirname, join } from 'node:path';
import type { EnvReader, EnvSource } from '../protocol';
import type { ResolvedTelemetryStoreOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { ERROR_OUTBOX_FILE, ERRORS_DEFAULTS } from './errors.constants';
import type {
  ErrorEnvironment,
  TelemetryErrorsOptions,
} from './interfaces/error-capture-options.interface';
import type { ResolvedTelemetryErrorsOptions } from './interfaces/resolved-errors-options.interface';

const ENVIRONMENTS: readonly ErrorEnvironment[] = ['production', 'staging', 'development'];

/**
 * Resolves the `errors` option over `TELEMETRY_ERRORS_*` variables. Capture is off when neither
 * the option nor `TELEMETRY_ERRORS_URL` / `TELEMETRY_ERRORS_PROJECT_KEY` is given; given half
 * of it (a URL without a key), the application refuses to start with a message naming the gap.
 */
export function resolveErrorsOptions(
  given: TelemetryErrorsOptions | undefined,
  e: EnvReader,
  env: EnvSource,
  telemetryStore: ResolvedTelemetryStoreOptions,
): ResolvedTelemetryErrorsOptions | undefined {
  const options = given ?? {};
  const receiverUrl = options.receiverUrl ?? e.string('TELEMETRY_ERRORS_URL');
  const projectKey = options.projectKey ?? e.string('TELEMETRY_ERRORS_PROJECT_KEY');
  if (given === undefined && receiverUrl === undefined && projectKey === undefined)
    return undefined;
  if (!receiverUrl) e.fail('errors.receiverUrl', 'TELEMETRY_ERRORS_URL', receiverUrl, 'a URL');
  if (!projectKey) {
    e.fail(
      'errors.projectKey',
      'TELEMETRY_ERRORS_PROJECT_KEY',
      projectKey,
      "the project's secret key",
    );
  }
  return {
    receiverUrl: checkedBaseUrl(e, receiverUrl, options.receiverUrl === undefined),
    projectKey,
    environment:
      e.oneOf(
        'errors.environment',
        'TELEMETRY_ERRORS_ENVIRONMENT',
        ENVIRONMENTS,
        options.environment,
      ) ?? environmentOf(env.NODE_ENV),
    redactQueryParams: (
      e.list(
        'errors.redactQueryParams',
        'TELEMETRY_ERRORS_REDACT_QUERY_PARAMS',
        options.redactQueryParams,
      ) ?? [...ERRORS_DEFAULTS.redactQueryParams]
    ).map((name) => name.toLowerCase()),
    ...(options.severity && { severity: checkedFunction(e, 'errors.severity', options.severity) }),
    ...(options.actor && { actor: checkedFunction(e, 'errors.actor', options.actor) }),
    captureProcessErrors:
      e.boolean(
        'errors.captureProcessErrors',
        'TELEMETRY_ERRORS_CAPTURE_PROCESS',
        options.captureProcessErrors,
      ) ?? false,
    coalesceWindow:
      e.integer(
        'errors.coalesceWindow',
        'TELEMETRY_ERRORS_COALESCE_WINDOW',
        { min: 0, max: 3_600_000 },
        options.coalesceWindow,
      ) ?? ERRORS_DEFAULTS.coalesceWindow,
    sendInterval:
      e.integer(
        'errors.sendInterval',
        'TELEMETRY_ERRORS_SEND_INTERVAL',
        { min: 1 },
        options.sendInterval,
      ) ?? ERRORS_DEFAULTS.sendInterval,
    store: errorStoreOf(e, options.store, telemetryStore),
  };
}

/** `development` / `staging` from `NODE_ENV`, `production` otherwise (the Micrologs default). */
function environmentOf(nodeEnv: string | undefined): ErrorEnvironment {
  const value = nodeEnv?.trim().toLowerCase();
  return value === 'development' || value === 'staging' ? value : 'production';
}

function checkedBaseUrl(e: EnvReader, url: string, fromEnv: boolean): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    e.fail(
      'errors.receiverUrl',
      fromEnv ? 'TELEMETRY_ERRORS_URL' : undefined,
      url,
      'an absolute http(s) URL',
    );
  }
  return url.replace(/\/+$/, '');
}

function checkedFunction<T>(e: EnvReader, option: string, value: T): T {
  if (typeof value !== 'function') e.fail(option, undefined, value, 'a function');
  return value;
}

/** The errors outbox: the caller's own, or one of the telemetry outbox's kind, kept apart from it. */
function errorStoreOf(
  e: EnvReader,
  given: TelemetryStore | undefined,
  telemetryStore: ResolvedTelemetryStoreOptions,
): ResolvedTelemetryErrorsOptions['store'] {
  if (given !== undefined) {
    const isStore = typeof given === 'object' && given !== null && 'append' in given;
    if (!isStore) e.fail('errors.store', undefined, given, 'a TelemetryStore instance');
    return { type: 'custom', instance: given };
  }
  switch (telemetryStore.type) {
    case 'memory':
      return { type: 'memory' };
    case 'file':
      return { type: 'file', path: join(dirname(telemetryStore.path), ERROR_OUTBOX_FILE) };
    case 'redis':
      return { type: 'redis', url: telemetryStore.url };
    case 'custom':
      return e.fail(
        'errors.store',
        undefined,
        undefined,
        'a TelemetryStore instance of its own when `store` is one',
      );
  }
}
