import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  installCommand,
  MissingPackageError,
  PEER_PACKAGES,
  RECEIVER_PACKAGES,
} from '../../lib/packages/peer-packages';
import packageJson from '../../package.json';

const ROOT = resolve(__dirname, '../..');

/** The receiver's own packages: a client-only install has none of them. */
const RECEIVER_ONLY = [
  ...RECEIVER_PACKAGES,
  'better-sqlite3',
  'maxmind',
  'rotating-file-stream',
] as const;

/**
 * Runs `body` in a child node process (TypeScript through @swc-node/register) where `hidden`
 * cannot be resolved, as on an install without them. Prints what `body` resolves to as JSON.
 */
function runWithout(
  hidden: readonly string[],
  body: string,
): Promise<{ code: number | null; out: unknown; stderr: string }> {
  const probe = `
const Module = require('node:module');
const hidden = ${JSON.stringify(hidden)};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hidden.some((name) => request === name || request.startsWith(name + '/'))) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
require('reflect-metadata');
const errorOf = async (fn) => { try { await fn(); return null; } catch (error) { return error.message; } };
(async () => { ${body} })().then(
  (result) => { process.stdout.write(JSON.stringify(result)); process.exit(0); },
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);
`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', probe], {
      cwd: ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out: stdout ? JSON.parse(stdout) : null, stderr }));
  });
}

describe('peer dependencies', () => {
  it('declares every receiver package as an optional peer, with the ranges the install hints use', () => {
    const pkg = packageJson as typeof packageJson & { dependencies?: Record<string, string> };
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const [name, range] of Object.entries(PEER_PACKAGES)) {
      expect({
        name,
        range: pkg.peerDependencies[name as keyof typeof pkg.peerDependencies],
      }).toEqual({
        name,
        range,
      });
      expect({
        name,
        meta: pkg.peerDependenciesMeta[name as keyof typeof pkg.peerDependenciesMeta],
      }).toEqual({
        name,
        meta: { optional: true },
      });
    }
  });

  it('names the newest supported major in the install command', () => {
    expect(installCommand(['@nestjs/typeorm', 'typeorm', 'better-sqlite3'])).toBe(
      'npm install @nestjs/typeorm@^12 typeorm@^1.1.1 better-sqlite3@^12.11.1',
    );
    expect(new MissingPackageError(['maxmind'], 'GeoIP lookups').message).toBe(
      'GeoIP lookups needs maxmind, which is not installed. Install it: npm install maxmind@^5.0.7',
    );
  });

  it('a client-only install boots TelemetryModule, and the receiver entry names what to install', async () => {
    const run = await runWithout(
      RECEIVER_ONLY,
      `
      const { NestFactory } = require('@nestjs/core');
      const client = require('./lib');
      const app = await NestFactory.createApplicationContext(
        client.TelemetryModule.forRoot({ serverUrl: 'http://127.0.0.1:9/telemetry', store: 'memory', manualRegistration: true, flagsPollInterval: 0 }),
        { logger: false },
      );
      await app.close();
      return { booted: true, receiver: await errorOf(() => require('./receiver')) };
      `,
    );
    expect(run.stderr).toBe('');
    expect(run.out).toEqual({
      booted: true,
      receiver:
        'nestjs-telemetry/receiver needs @nestjs/typeorm, typeorm, isbot, lru-cache, ua-parser-js, ' +
        'which are not installed. Install them: ' +
        'npm install @nestjs/typeorm@^12 typeorm@^1.1.1 isbot@^5.2.3 lru-cache@^11.5.3 ua-parser-js@^1.0.41',
    });
  });

  describe('optional receiver features', () => {
    const dir = mkdtempSync(join(tmpdir(), 'peer-deps-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('load without their package and refuse to start only when configured, naming the command', async () => {
      const geoFile = join(dir, 'city.mmdb');
      writeFileSync(geoFile, 'not read: the package check comes first');
      const run = await runWithout(
        ['better-sqlite3', 'maxmind', 'rotating-file-stream', 'prom-client'],
        `
        require('./receiver');
        const { PrometheusExporter } = require('./receiver/metrics/prometheus.exporter');
        const { GeoIpService } = require('./receiver/enrichment/geoip.service');
        const { ReceiverFileLogger } = require('./receiver/logging/receiver-file.logger');
        const { createReceiverDataSource } = require('./receiver/storage/data-source.factory');
        const unconfigured = new GeoIpService(undefined);
        unconfigured.onModuleInit();
        return {
          geoipWithoutFile: unconfigured.lookup('8.8.8.8').country,
          geoip: await errorOf(() => new GeoIpService(${JSON.stringify(geoFile)}).onModuleInit()),
          fileLogger: await errorOf(() => new ReceiverFileLogger({ path: ${JSON.stringify(join(dir, 'logs/r.log'))} })),
          sqlite: await errorOf(() => createReceiverDataSource({ type: 'better-sqlite3', database: ':memory:' })),
          metricsOff: await errorOf(() => new PrometheusExporter({}, null, null, null).onModuleInit()),
          metrics: await errorOf(() => new PrometheusExporter({ metricsToken: 'x'.repeat(16) }, null, null, null).onModuleInit()),
        };
        `,
      );
      expect(run.stderr).toBe('');
      expect(run.out).toEqual({
        geoipWithoutFile: '',
        geoip: new MissingPackageError(['maxmind'], 'GeoIP lookups (geoipPath)').message,
        fileLogger: new MissingPackageError(['rotating-file-stream'], 'ReceiverFileLogger').message,
        sqlite: new MissingPackageError(
          ['better-sqlite3'],
          "The receiver's better-sqlite3 database",
        ).message,
        metricsOff: null,
        metrics: new MissingPackageError(['prom-client'], 'Prometheus metrics (metrics.token)')
          .message,
      });
    });

    it('need @nestjs/websockets and @nestjs/platform-ws only for the WebSocket endpoint of an HTTP application', async () => {
      const run = await runWithout(
        ['@nestjs/websockets', '@nestjs/platform-ws'],
        `
        const { NestFactory } = require('@nestjs/core');
        const { ReceiverModule } = require('./receiver');
        const boot = async (enabled, http) => {
          const root = ReceiverModule.forRoot({
            adminKey: 'peer-deps-admin-key-0123456789abcdef',
            ipHashSalt: 'peer-deps-salt',
            production: false,
            database: { type: 'better-sqlite3', database: ${JSON.stringify(join(dir, 'realtime.sqlite'))} },
            realtime: { enabled },
          });
          const app = http
            ? await NestFactory.create(root, { logger: false })
            : await NestFactory.createApplicationContext(root, { logger: false });
          try {
            await app.init();
            return null;
          } catch (error) {
            return error.message;
          } finally {
            await app.close();
          }
        };
        return { off: await boot(false, true), worker: await boot(true, false), http: await boot(true, true) };
        `,
      );
      expect(run.stderr).toBe('');
      expect(run.out).toEqual({
        off: null,
        worker: null,
        http: new MissingPackageError(
          ['@nestjs/websockets', '@nestjs/platform-ws'],
          'realtime.enabled (the WebSocket endpoint)',
        ).message,
      });
    });
  });
});
