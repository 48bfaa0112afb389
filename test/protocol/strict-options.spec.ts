import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TelemetryModule } from '../../lib';
import { resolveTelemetryOptions } from '../../lib/options/telemetry-options.resolver';
import { EnvReader } from '../../lib/protocol';
import { ReceiverModule } from '../../receiver';
import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { ReceiverFileLogger } from '../../receiver/logging/receiver-file.logger';

const secrets = { RECEIVER_ADMIN_KEY: 'a', RECEIVER_IP_HASH_SALT: 's' };
const BOOLEAN_WORDS = /true or false \(also 1\/0, yes\/no, on\/off\)/;

describe('receiver options are read strictly', () => {
  it('refuses RECEIVER_PRODUCTION=ture, naming the variable and the accepted values', () => {
    expect(() => resolveReceiverOptions({}, { ...secrets, RECEIVER_PRODUCTION: 'ture' })).toThrow(
      /RECEIVER_PRODUCTION.*"ture".*true or false/,
    );
    expect(() => resolveReceiverOptions({}, { ...secrets, RECEIVER_PRODUCTION: 'ture' })).toThrow(
      BOOLEAN_WORDS,
    );
  });

  it.each([
    ['RECEIVER_PRODUCTION', 'prod'],
    ['RECEIVER_PRODUCTION', '2'],
    ['RECEIVER_MIGRATIONS_RUN', 'yes please'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => resolveReceiverOptions({}, { ...secrets, [name]: value })).toThrow(name);
  });

  it.each([
    ['true', true],
    ['(true)', true],
    ['ON', true],
    ['1', true],
    ['false', false],
    ['no', false],
    ['0', false],
    ['(false)', false],
  ])('reads RECEIVER_PRODUCTION=%s as %s', (value, expected) => {
    expect(resolveReceiverOptions({}, { ...secrets, RECEIVER_PRODUCTION: value }).production).toBe(
      expected,
    );
  });

  it('checks options given in code too: a string is read like the variable, junk is refused', () => {
    expect(resolveReceiverOptions({ production: 'false' as never }, secrets).production).toBe(
      false,
    );
    expect(() => resolveReceiverOptions({ production: 'ture' as never }, secrets)).toThrow(
      /option "production": "ture"/,
    );
    expect(() => resolveReceiverOptions({ migrationsRun: 1 as never }, secrets)).toThrow(
      /migrationsRun/,
    );
    expect(() => resolveReceiverOptions({ allowedOrigins: [1] as never }, secrets)).toThrow(
      /allowedOrigins/,
    );
  });

  it('a ReceiverModule application with RECEIVER_PRODUCTION=ture does not start', async () => {
    @Module({
      imports: [
        ReceiverModule.forRoot({
          database: { type: 'better-sqlite3', database: ':memory:' },
          adminKey: 'admin-key',
          ipHashSalt: 'salt',
        }),
      ],
    })
    class TypoModule {}
    const saved = process.env.RECEIVER_PRODUCTION;
    process.env.RECEIVER_PRODUCTION = 'ture';
    try {
      await expect(
        NestFactory.create(TypoModule, new FastifyAdapter(), {
          logger: false,
          abortOnError: false,
        }),
      ).rejects.toThrow(/RECEIVER_PRODUCTION.*"ture"/);
    } finally {
      if (saved === undefined) delete process.env.RECEIVER_PRODUCTION;
      else process.env.RECEIVER_PRODUCTION = saved;
    }
  });

  it('refuses a malformed log file size or count', () => {
    const path = '/tmp/never-created/receiver.log';
    expect(() =>
      ReceiverFileLogger.fromEnv({ RECEIVER_LOG_FILE: path, RECEIVER_LOG_FILES: 'five' }),
    ).toThrow(/RECEIVER_LOG_FILES.*whole number >= 1/);
    expect(() =>
      ReceiverFileLogger.fromEnv({ RECEIVER_LOG_FILE: path, RECEIVER_LOG_FILE_SIZE: '10MB' }),
    ).toThrow(/RECEIVER_LOG_FILE_SIZE.*10M, 500K/);
  });
});

describe('client options are read strictly, by the same reader', () => {
  it.each([
    ['TELEMETRY_ENABLED', 'ture'],
    ['TELEMETRY_VERBOSE_LOGGING', 'verbose'],
    ['TELEMETRY_SIGNING_ENABLED', 'enabled'],
    ['TELEMETRY_ALLOW_INSECURE_TRANSPORT', 'sure'],
    ['TELEMETRY_MANUAL_REGISTRATION', 'manual'],
  ])('refuses %s=%j with the accepted values', (name, value) => {
    expect(() => resolveTelemetryOptions(undefined, { [name]: value })).toThrow(name);
    expect(() => resolveTelemetryOptions(undefined, { [name]: value })).toThrow(BOOLEAN_WORDS);
  });

  it.each([
    ['TELEMETRY_REPORT_INTERVAL', '60s', '>= 1'],
    ['TELEMETRY_REQUEST_TIMEOUT', '1.5', '>= 1'],
    ['TELEMETRY_FLAGS_POLL_INTERVAL', '-1', '>= 0'],
    ['TELEMETRY_SIGNING_MODE', 'Timestamped', '"compatible" or "timestamped"'],
  ])('refuses %s=%j, saying what it takes', (name, value, expected) => {
    expect(() => resolveTelemetryOptions(undefined, { [name]: value })).toThrow(
      new RegExp(`${name}.*${expected.replace(/[()]/g, '\\$&')}`),
    );
  });

  it('a TelemetryModule application with TELEMETRY_ENABLED=ture does not start', async () => {
    const saved = process.env.TELEMETRY_ENABLED;
    process.env.TELEMETRY_ENABLED = 'ture';
    try {
      await expect(
        Test.createTestingModule({
          imports: [TelemetryModule.forRoot({ store: 'memory' })],
        }).compile(),
      ).rejects.toThrow(/TELEMETRY_ENABLED.*"ture"/);
    } finally {
      if (saved === undefined) delete process.env.TELEMETRY_ENABLED;
      else process.env.TELEMETRY_ENABLED = saved;
    }
  });

  it('checks options given in code: booleans, numbers and modes', () => {
    expect(() => resolveTelemetryOptions({ enabled: 'nope' as never }, {})).toThrow(
      /option "enabled": "nope"/,
    );
    expect(() => resolveTelemetryOptions({ reportInterval: 0 }, {})).toThrow(/reportInterval/);
    expect(() => resolveTelemetryOptions({ signing: { mode: 'loose' as never } }, {})).toThrow(
      /signing.mode/,
    );
    expect(resolveTelemetryOptions({ verboseLogging: 'true' as never }, {}).verboseLogging).toBe(
      true,
    );
  });
});

describe('the reader itself', () => {
  it('follows the Laravel conventions for null and empty', () => {
    const e = new EnvReader({ A: 'null', B: '(null)', C: 'empty', D: '  x  ', E: '' }, 'telemetry');
    expect([e.string('A'), e.string('B'), e.string('C'), e.string('D'), e.string('E')]).toEqual([
      undefined,
      undefined,
      '',
      'x',
      undefined,
    ]);
    expect(e.boolean('c', 'C')).toBe(false);
    expect(e.list('l', 'D')).toEqual(['x']);
  });
});
