import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { TELEMETRY_DEFAULTS } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { EnvReader } from './env.parser';
import type {
  ResolvedTelemetryOptions,
  ResolvedTelemetryStoreOptions,
} from './resolved-telemetry-options.interface';
import type { TelemetryModuleOptions } from './telemetry-module-options.interface';

/**
 * Merges `forRoot()` options over environment variables over defaults, and validates the result,
 * so a typo in the configuration stops the application at start-up with a message naming it.
 */
export function resolveTelemetryOptions(
  options: TelemetryModuleOptions = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedTelemetryOptions {
  const e = new EnvReader(env);
  const intOf = (
    name: keyof TelemetryModuleOptions,
    envName: string,
    fallback: number,
    min: number,
  ) => {
    const value = options[name] ?? e.integer(envName, name) ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      throw new Error(
        TelemetryMessages.invalidOption(name, envName, value, `a whole number >= ${min}`),
      );
    }
    return value;
  };
  const signing = options.signing ?? {};
  const mode = signing.mode ?? e.string('TELEMETRY_SIGNING_MODE') ?? TELEMETRY_DEFAULTS.signingMode;
  if (mode !== 'compatible' && mode !== 'timestamped') {
    throw new Error(
      TelemetryMessages.invalidOption(
        'signing.mode',
        'TELEMETRY_SIGNING_MODE',
        mode,
        '"compatible" or "timestamped"',
      ),
    );
  }
  const manualFromEnv = e.boolean('TELEMETRY_MANUAL_REGISTRATION', 'manualRegistration');
  return {
    enabled:
      options.enabled ?? e.boolean('TELEMETRY_ENABLED', 'enabled') ?? TELEMETRY_DEFAULTS.enabled,
    serverUrl: resolveServerUrl(options.serverUrl ?? e.string('TELEMETRY_SERVER_URL') ?? ''),
    host: options.host ?? e.string('TELEMETRY_HOST') ?? e.string('APP_HOST') ?? hostname(),
    defaultInterval: intOf(
      'defaultInterval',
      'TELEMETRY_DEFAULT_INTERVAL',
      TELEMETRY_DEFAULTS.defaultInterval,
      1,
    ),
    reportInterval: intOf(
      'reportInterval',
      'TELEMETRY_REPORT_INTERVAL',
      TELEMETRY_DEFAULTS.reportInterval,
      1,
    ),
    store: resolveStore(options, e),
    verboseLogging:
      options.verboseLogging ??
      e.boolean('TELEMETRY_VERBOSE_LOGGING', 'verboseLogging') ??
      TELEMETRY_DEFAULTS.verboseLogging,
    requestTimeout: intOf(
      'requestTimeout',
      'TELEMETRY_REQUEST_TIMEOUT',
      TELEMETRY_DEFAULTS.requestTimeout,
      1,
    ),
    maxOutboxEntries: intOf(
      'maxOutboxEntries',
      'TELEMETRY_MAX_OUTBOX_ENTRIES',
      TELEMETRY_DEFAULTS.maxOutboxEntries,
      1,
    ),
    collectorTimeout: intOf(
      'collectorTimeout',
      'TELEMETRY_COLLECTOR_TIMEOUT',
      TELEMETRY_DEFAULTS.collectorTimeout,
      1,
    ),
    shutdownTimeout: intOf(
      'shutdownTimeout',
      'TELEMETRY_SHUTDOWN_TIMEOUT',
      TELEMETRY_DEFAULTS.shutdownTimeout,
      0,
    ),
    manualRegistration: manualFromEnv === true || (options.manualRegistration ?? false),
    authToken: options.authToken ?? e.string('TELEMETRY_AUTH_TOKEN'),
    authTokenUrl: options.authTokenUrl ?? e.string('TELEMETRY_AUTH_TOKEN_URL'),
    customHeaders: resolveHeaders(
      options.customHeaders ?? e.json('TELEMETRY_CUSTOM_HEADERS', 'customHeaders'),
    ),
    signing: {
      enabled:
        signing.enabled ?? e.boolean('TELEMETRY_SIGNING_ENABLED', 'signing.enabled') ?? false,
      key: signing.key ?? e.string('TELEMETRY_SIGNING_KEY'),
      header:
        signing.header ?? e.string('TELEMETRY_SIGNING_HEADER') ?? TELEMETRY_DEFAULTS.signingHeader,
      mode,
    },
    encryptionKey: options.encryptionKey ?? e.string('TELEMETRY_ENCRYPTION_KEY'),
    allowInsecureTransport:
      options.allowInsecureTransport ??
      e.boolean('TELEMETRY_ALLOW_INSECURE_TRANSPORT', 'allowInsecureTransport') ??
      false,
    flagsUrl: options.flagsUrl ?? e.string('TELEMETRY_FLAGS_URL'),
    flagsPollInterval: intOf(
      'flagsPollInterval',
      'TELEMETRY_FLAGS_POLL_INTERVAL',
      TELEMETRY_DEFAULTS.flagsPollInterval,
      0,
    ),
  };
}

function resolveStore(
  options: TelemetryModuleOptions,
  e: EnvReader,
): ResolvedTelemetryStoreOptions {
  const store = options.store ?? e.string('TELEMETRY_STORE') ?? 'file';
  if (typeof store === 'object' && store !== null) {
    return { type: 'custom', instance: store as TelemetryStore };
  }
  if (store === 'memory') return { type: 'memory' };
  if (store === 'file') {
    const path =
      options.storePath ?? e.string('TELEMETRY_STORE_PATH') ?? TELEMETRY_DEFAULTS.storePath;
    return { type: 'file', path: resolve(path) };
  }
  if (/^rediss?:\/\//.test(store)) return { type: 'redis', url: store };
  throw new Error(
    TelemetryMessages.invalidOption(
      'store',
      'TELEMETRY_STORE',
      store,
      '"memory", "file" or a redis:// URL',
    ),
  );
}

function resolveHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const isPlainObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isPlainObject || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new Error(
      TelemetryMessages.invalidOption(
        'customHeaders',
        'TELEMETRY_CUSTOM_HEADERS',
        value,
        'an object of string header values',
      ),
    );
  }
  return { ...(value as Record<string, string>) };
}

/** An absolute http(s) URL, or empty for "not configured"; anything else is a typo to report now. */
function resolveServerUrl(url: string): string {
  if (url === '') return url;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new Error(
      TelemetryMessages.invalidOption(
        'serverUrl',
        'TELEMETRY_SERVER_URL',
        url,
        'an absolute http(s) URL',
      ),
    );
  }
  return url;
}
