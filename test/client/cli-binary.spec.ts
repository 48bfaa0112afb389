import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { CLI_BINARY, ensureCliBuilt } from '../support/cli-build';
import type { CliProcessRun } from '../support/cli-process';

const root = resolve(__dirname, '../..');

/** Runs a command line from the repository root as a user's shell would, without TS loader. */
function run(command: string, args: string[]): Promise<CliProcessRun> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TELEMETRY_STORE: 'memory',
      TELEMETRY_SERVER_URL: '',
    };
    // Jest runs with a TypeScript loader in NODE_OPTIONS at times; a user's shell has none.
    delete env.NODE_OPTIONS;
    const child = spawn(command, args, { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The compiled binary in a process where `@swc-node/register` cannot be resolved. */
const HIDE_SWC_REGISTER = `
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@swc-node/register' || request.startsWith('@swc-node/register/')) {
    const error = new Error("Cannot find module '" + request + "'\\nRequire stack:\\n- " + __filename);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
require(${JSON.stringify(CLI_BINARY)});
`;

describe('the compiled nestjs-telemetry binary, as users run it', () => {
  beforeAll(() => ensureCliBuilt(), 300_000);

  it('runs the documented `npx nestjs-telemetry list --module sample-app/client/app.module.ts`', async () => {
    // The sample imports TelemetryModule from the TypeScript sources, the binary runs the build:
    // two copies of the package in one process, found through the Symbol.for token.
    const result = await run('npx', [
      'nestjs-telemetry',
      'list',
      '--module',
      'sample-app/client/app.module.ts',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /\| registered_users +\| AppTelemetryService \| registeredUsers +\| 86400 +\| never +\| now +\|/,
    );
  }, 120_000);

  it('says which module lacks TelemetryModule instead of failing on a class lookup', async () => {
    const result = await run(process.execPath, [
      CLI_BINARY,
      'list',
      '--module',
      'test/client/fixtures/no-telemetry-app.module.ts',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'The application in test/client/fixtures/no-telemetry-app.module.ts does not import ' +
        'TelemetryModule (TelemetryModule.forRoot() or forRootAsync() in its root module or one ' +
        'it imports), or imports a version of nestjs-telemetry this CLI does not know: run the ' +
        'CLI installed beside it.',
    );
  }, 120_000);

  it('gives the install command, not a require stack, when a .ts module needs @swc-node/register', async () => {
    const result = await run(process.execPath, [
      '-e',
      HIDE_SWC_REGISTER,
      '_',
      'list',
      '--module',
      'sample-app/client/app.module.ts',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'is TypeScript, and loading it needs @swc-node/register, which is not installed here.',
    );
    expect(result.stderr).toContain('  npm install --save-dev @swc-node/register @swc/core\n');
    expect(result.stderr).toContain('or point --module at the compiled JavaScript file');
    expect(result.stderr).not.toContain('Require stack');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it('refuses a mistyped flag, naming it and the valid ones', async () => {
    const result = await run(process.execPath, [CLI_BINARY, 'report', '--only-du']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Unknown option --only-du for "report". Did you mean --only-due? Valid options: ' +
        '--module, --only-due, --verbose, --help.',
    );
  }, 120_000);
});
