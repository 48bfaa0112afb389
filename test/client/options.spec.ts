import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { resolveTelemetryOptions } from '../../lib/options/telemetry-options.resolver';

describe('options resolution', () => {
  it('uses the environment alone when forRoot() gets no options, with the documented defaults', () => {
    const options = resolveTelemetryOptions(undefined, {});
    expect(options).toMatchObject({
      enabled: true,
      serverUrl: '',
      host: hostname(),
      defaultInterval: 86_400,
      reportInterval: 60,
      store: { type: 'file', path: resolve('.telemetry/outbox.json') },
      verboseLogging: false,
      requestTimeout: 30_000,
      maxOutboxEntries: 10_000,
      maxDeadLetters: 1_000,
      customHeaders: {},
      signing: { enabled: false, header: 'X-Telemetry-Signature', mode: 'compatible' },
      allowInsecureTransport: false,
      flagsPollInterval: 60,
    });
  });

  it('reads every TELEMETRY_* variable with Laravel-style booleans', () => {
    const options = resolveTelemetryOptions(undefined, {
      TELEMETRY_ENABLED: '(false)',
      TELEMETRY_SERVER_URL: 'https://t.example.com/api/telemetry',
      APP_HOST: 'app-host',
      TELEMETRY_DEFAULT_INTERVAL: '3600',
      TELEMETRY_REPORT_INTERVAL: '30',
      TELEMETRY_STORE: 'redis://127.0.0.1:6379/2',
      TELEMETRY_VERBOSE_LOGGING: 'true',
      TELEMETRY_AUTH_TOKEN: 'static',
      TELEMETRY_AUTH_TOKEN_URL: 'https://t.example.com/token',
      TELEMETRY_CUSTOM_HEADERS: '{"X-Tenant":"acme"}',
      TELEMETRY_SIGNING_ENABLED: '1',
      TELEMETRY_SIGNING_KEY: 'k',
      TELEMETRY_SIGNING_HEADER: 'X-Sig',
      TELEMETRY_SIGNING_MODE: 'timestamped',
      TELEMETRY_ENCRYPTION_KEY: 'e',
      TELEMETRY_FLAGS_URL: 'https://t.example.com/flags',
      TELEMETRY_FLAGS_POLL_INTERVAL: '15',
    });
    expect(options).toMatchObject({
      enabled: false,
      serverUrl: 'https://t.example.com/api/telemetry',
      host: 'app-host',
      defaultInterval: 3600,
      reportInterval: 30,
      store: { type: 'redis', url: 'redis://127.0.0.1:6379/2' },
      verboseLogging: true,
      authToken: 'static',
      authTokenUrl: 'https://t.example.com/token',
      customHeaders: { 'X-Tenant': 'acme' },
      signing: { enabled: true, key: 'k', header: 'X-Sig', mode: 'timestamped' },
      encryptionKey: 'e',
      flagsUrl: 'https://t.example.com/flags',
      flagsPollInterval: 15,
    });
  });

  it('lets forRoot() options win over the environment', () => {
    const options = resolveTelemetryOptions(
      { host: 'from-options', store: 'memory', reportInterval: 5 },
      { TELEMETRY_HOST: 'from-env', TELEMETRY_STORE: 'file', TELEMETRY_REPORT_INTERVAL: '99' },
    );
    expect(options).toMatchObject({
      host: 'from-options',
      store: { type: 'memory' },
      reportInterval: 5,
    });
  });

  it.each([
    [{ TELEMETRY_REPORT_INTERVAL: 'often' }, 'TELEMETRY_REPORT_INTERVAL'],
    [{ TELEMETRY_DEFAULT_INTERVAL: '0' }, 'TELEMETRY_DEFAULT_INTERVAL'],
    [{ TELEMETRY_ENABLED: 'maybe' }, 'TELEMETRY_ENABLED'],
    [{ TELEMETRY_STORE: 'mongodb://x' }, 'TELEMETRY_STORE'],
    [{ TELEMETRY_CUSTOM_HEADERS: '{"X-A": 1}' }, 'TELEMETRY_CUSTOM_HEADERS'],
    [{ TELEMETRY_CUSTOM_HEADERS: 'not json' }, 'TELEMETRY_CUSTOM_HEADERS'],
    [{ TELEMETRY_SIGNING_MODE: 'loose' }, 'TELEMETRY_SIGNING_MODE'],
    [{ TELEMETRY_SERVER_URL: 'localhost' }, 'TELEMETRY_SERVER_URL'],
    [{ TELEMETRY_SERVER_URL: 'ftp://example.com/t' }, 'TELEMETRY_SERVER_URL'],
  ])('refuses %j with an error naming %s', (env, name) => {
    expect(() => resolveTelemetryOptions(undefined, env)).toThrow(name);
  });
});
