import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { EnvReader, type EnvSource, SIGNING_MODES } from '../protocol';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { TELEMETRY_DEFAULTS } from '../telemetry.constants';
import type {
  ResolvedTelemetryOptions,
  ResolvedTelemetryStoreOptions,
} from './resolved-telemetry-options.interface';
import type { TelemetryModuleOptions } from './telemetry-module-options.interface';
import { resolveErrorsOptions } from '../errors/errors-options.resolver';

/**
 * Merges `forRoot()` options over environment variables over defaults, and validates the result,
 * so a typo in the configuration stops the application at start-up with a message naming it.
 */
export function resolveTelemetryOptions(
  options: TelemetryModuleOptions = {},
  env: EnvSource = process.env,
): ResolvedTelemetryOptions {
  const e = new EnvReader(env, 'telemetry');
  const intOf = (
    name: keyof TelemetryModuleOptions,
    envName: string,
    fallback: number,
    min: number,
  ): number => e.integer(name, envName, { min }, options[name]) ?? fallback;
  const signing = options.signing ?? {};
  const manualFromEnv = e.boolean('manualRegistration', 'TELEMETRY_MANUAL_REGISTRATION');
  const store = resolveStore(options, e);
  const errors = resolveErrorsOptions(options.errors, e, env, store);
  return {
    enabled:
      e.boolean('enabled', 'TELEMETRY_ENABLED', options.enabled) ?? TELEMETRY_DEFAULTS.enabled,
    serverUrl: resolveServerUrl(e, options.serverUrl ?? e.string('TELEMETRY_SERVER_URL') ?? ''),
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
    store,
    verboseLogging:
      e.boolean('verboseLogging', 'TELEMETRY_VERBOSE_LOGGING', options.verboseLogging) ??
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
    maxDeadLetters: intOf(
      'maxDeadLetters',
      'TELEMETRY_MAX_DEAD_LETTERS',
      TELEMETRY_DEFAULTS.maxDeadLetters,
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
    // The CLI sets the variable to keep timers off whatever the application's own options say.
    manualRegistration:
      manualFromEnv === true ||
      e.boolean(
        'manualRegistration',
        'TELEMETRY_MANUAL_REGISTRATION',
        options.manualRegistration ?? false,
      ) === true,
    authToken: options.authToken ?? e.string('TELEMETRY_AUTH_TOKEN'),
    authTokenUrl: options.authTokenUrl ?? e.string('TELEMETRY_AUTH_TOKEN_URL'),
    customHeaders: resolveHeaders(
      e,
      options.customHeaders ?? e.json('customHeaders', 'TELEMETRY_CUSTOM_HEADERS'),
    ),
    signing: {
      enabled: e.boolean('signing.enabled', 'TELEMETRY_SIGNING_ENABLED', signing.enabled) ?? false,
      key: signing.key ?? e.string('TELEMETRY_SIGNING_KEY'),
      header:
        signing.header ?? e.string('TELEMETRY_SIGNING_HEADER') ?? TELEMETRY_DEFAULTS.signingHeader,
      mode:
        e.oneOf('signing.mode', 'TELEMETRY_SIGNING_MODE', SIGNING_MODES, signing.mode) ??
        TELEMETRY_DEFAULTS.signingMode,
    },
    encryptionKey: options.encryptionKey ?? e.string('TELEMETRY_ENCRYPTION_KEY'),
    allowInsecureTransport:
      e.boolean(
        'allowInsecureTransport',
        'TELEMETRY_ALLOW_INSECURE_TRANSPORT',
        options.allowInsecureTransport,
      ) ?? false,
    flagsUrl: options.flagsUrl ?? e.string('TELEMETRY_FLAGS_URL'),
    flagsPollInterval: intOf(
      'flagsPollInterval',
      'TELEMETRY_FLAGS_POLL_INTERVAL',
      TELEMETRY_DEFAULTS.flagsPollInterval,
      0,
    ),
    ...(errors && { errors }),
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
  return e.fail(
    'store',
    options.store === undefined ? 'TELEMETRY_STORE' : undefined,
    store,
    '"memory", "file" or a redis:// URL',
  );
}

function resolveHeaders(e: EnvReader, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const isPlainObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isPlainObject || Object.values(value).some((v) => typeof v !== 'string')) {
    e.fail('customHeaders', 'TELEMETRY_CUSTOM_HEADERS', value, 'an object of string header values');
  }
  return { ...(value as Record<string, string>) };
}

/** An absolute http(s) URL, or empty for "not configured"; anything else is a typo to report now. */
function resolveServerUrl(e: EnvReader, url: string): string {
  if (url === '') return url;
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    e.fail('serverUrl', 'TELEMETRY_SERVER_URL', url, 'an absolute http(s) URL');
  }
  return url;
}
