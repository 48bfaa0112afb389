import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TELEMETRY_CLI_ACCESS, type TelemetryCliAccess } from '../lib/cli/telemetry-cli.access';
import { CliMessages } from './cli.messages';
import { type CliOptions, type CliOptionSpec, CliUsageError } from './cli-command.interface';

const SWC_REGISTER = '@swc-node/register';
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/** The `--module` option of every command that boots the application. */
export const MODULE_OPTION: Record<'module', CliOptionSpec> = {
  module: {
    type: 'string',
    value: '<file>',
    description:
      'the root module: a compiled .js file, or a .ts file (needs @swc-node/register), ' +
      'exporting it as default export or AppModule',
    required: true,
  },
};

type Exports = { default?: unknown; AppModule?: unknown } | undefined;

/** The default export or `AppModule`, also when a CommonJS file is wrapped by the import interop. */
function rootModuleOf(exported: Exports): Type | undefined {
  const inner = exported?.default as Exports;
  const candidates = [exported?.default, exported?.AppModule, inner?.default, inner?.AppModule];
  return candidates.find((candidate): candidate is Type => typeof candidate === 'function');
}

const resolveFrom = (from: string, request: string): string | undefined => {
  try {
    return createRequire(from).resolve(request);
  } catch {
    return undefined;
  }
};

/**
 * Lets `require` compile TypeScript: @swc-node/register from the application's own install
 * first (it then reads the application's tsconfig.json), else the one beside the CLI. Nothing to
 * do when a TypeScript loader is already active (`node -r @swc-node/register`, ts-node).
 */
async function registerTypeScript(file: string): Promise<void> {
  if (require.extensions['.ts']) return;
  const loader = resolveFrom(file, SWC_REGISTER) ?? resolveFrom(__filename, SWC_REGISTER);
  if (!loader) throw new CliUsageError(CliMessages.typescriptLoaderMissing(file));
  // @swc-node/register hooks `require` as it loads.
  await import(loader);
}

/** The first line of a load error, with the file that asked for a missing module. */
function reasonOf(error: unknown): string {
  const [first, ...rest] = (error instanceof Error ? error.message : String(error)).split('\n');
  const requiredBy = rest.find((line) => line.startsWith('- '));
  return requiredBy ? `${first} (required by ${requiredBy.slice(2)})` : first;
}

/**
 * Loads the root module named by `--module` (compiled .js, or .ts through @swc-node/register)
 * and boots an application context without HTTP server and without telemetry timers: the
 * module's `manualRegistration` switch is forced on through the environment before anything loads.
 */
export async function bootApplication(options: CliOptions): Promise<INestApplicationContext> {
  const file = String(options.module ?? '');
  const path = resolve(file);
  if (!existsSync(path)) throw new CliUsageError(CliMessages.moduleNotFound(path));
  process.env.TELEMETRY_MANUAL_REGISTRATION = 'true';
  if (TYPESCRIPT_FILE.test(path)) await registerTypeScript(path);
  let exported: Exports;
  try {
    exported = (await import(path)) as Exports;
  } catch (error) {
    throw new CliUsageError(CliMessages.moduleLoadFailed(file, reasonOf(error)));
  }
  const root = rootModuleOf(exported);
  if (!root) throw new CliUsageError(CliMessages.noRootModule(file));
  const verbose = options.verbose === true;
  return NestFactory.createApplicationContext(root, {
    logger: verbose ? ['log', 'warn', 'error'] : ['warn', 'error'],
    abortOnError: false,
  });
}

/**
 * Boots the application, hands `work` what TelemetryModule gives the CLI, and always closes the
 * context (stores, connections). Found by a `Symbol.for` token, not by class, so the application
 * may load another copy of this package than the CLI does (see {@link TELEMETRY_CLI_ACCESS}).
 */
export async function withTelemetry<T>(
  options: CliOptions,
  work: (telemetry: TelemetryCliAccess) => Promise<T>,
): Promise<T> {
  const app = await bootApplication(options);
  try {
    let telemetry: TelemetryCliAccess;
    try {
      telemetry = app.get<TelemetryCliAccess>(TELEMETRY_CLI_ACCESS, { strict: false });
    } catch {
      throw new CliUsageError(CliMessages.noTelemetryModule(String(options.module)));
    }
    return await work(telemetry);
  } finally {
    await app.close();
  }
}
