import { resolve } from 'node:path';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { resolveTelemetryOptions } from '../../lib/options/telemetry-options.resolver';

describe('the errors option', () => {
  it('is off without the option and without TELEMETRY_ERRORS_* variables', () => {
    expect(resolveTelemetryOptions({}, {}).errors).toBeUndefined();
  });

  it('is read from TELEMETRY_ERRORS_* variables, with its outbox beside the telemetry outbox', () => {
    const { errors } = resolveTelemetryOptions(
      { storePath: 'var/telemetry/outbox.json' },
      {
        TELEMETRY_ERRORS_URL: 'https://stats.example.com/',
        TELEMETRY_ERRORS_PROJECT_KEY: 'sk',
        TELEMETRY_ERRORS_ENVIRONMENT: 'staging',
        TELEMETRY_ERRORS_REDACT_QUERY_PARAMS: 'Token, email',
        TELEMETRY_ERRORS_CAPTURE_PROCESS: 'yes',
        TELEMETRY_ERRORS_COALESCE_WINDOW: '0',
        TELEMETRY_ERRORS_SEND_INTERVAL: '30',
      },
    );
    expect(errors).toEqual({
      receiverUrl: 'https://stats.example.com',
      projectKey: 'sk',
      environment: 'staging',
      redactQueryParams: ['token', 'email'],
      captureProcessErrors: true,
      coalesceWindow: 0,
      sendInterval: 30,
      store: { type: 'file', path: resolve('var/telemetry/errors.outbox.json') },
    });
  });

  it('takes its environment from NODE_ENV by default, and its own store next to a custom one', () => {
    const store = new MemoryTelemetryStore();
    const { errors } = resolveTelemetryOptions(
      {
        store: new MemoryTelemetryStore(),
        errors: { receiverUrl: 'http://127.0.0.1:3000', projectKey: 'sk', store },
      },
      { NODE_ENV: 'development' },
    );
    expect(errors).toMatchObject({
      environment: 'development',
      store: { type: 'custom', instance: store },
    });
  });

  it.each([
    [{ TELEMETRY_ERRORS_URL: 'https://s.example.com' }, /TELEMETRY_ERRORS_PROJECT_KEY/],
    [{ TELEMETRY_ERRORS_PROJECT_KEY: 'sk' }, /TELEMETRY_ERRORS_URL/],
    [
      { TELEMETRY_ERRORS_URL: 'stats.example.com', TELEMETRY_ERRORS_PROJECT_KEY: 'sk' },
      /absolute http\(s\) URL/,
    ],
    [
      {
        TELEMETRY_ERRORS_URL: 'https://s.example.com',
        TELEMETRY_ERRORS_PROJECT_KEY: 'sk',
        TELEMETRY_ERRORS_ENVIRONMENT: 'prod',
      },
      /TELEMETRY_ERRORS_ENVIRONMENT/,
    ],
    [
      {
        TELEMETRY_ERRORS_URL: 'https://s.example.com',
        TELEMETRY_ERRORS_PROJECT_KEY: 'sk',
        TELEMETRY_ERRORS_CAPTURE_PROCESS: 'ture',
      },
      /TELEMETRY_ERRORS_CAPTURE_PROCESS/,
    ],
  ])('refuses to start on %j', (env, message) => {
    expect(() => resolveTelemetryOptions({}, env)).toThrow(message);
  });

  it('needs a store of its own when the telemetry store is an instance', () => {
    expect(() =>
      resolveTelemetryOptions(
        {
          store: new MemoryTelemetryStore(),
          errors: { receiverUrl: 'https://s.example.com', projectKey: 'sk' },
        },
        {},
      ),
    ).toThrow(/errors\.store/);
  });
});
