import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CliMessages } from './cli.messages';
import type { CliOptions } from './cli-command.interface';

const SWC_REGISTER = '@swc-node/register';

type Exports = { default?: unknown; AppModule?: unknown } | undefined;

/** The default export or `AppModule`, also when a CommonJS file is wrapped by the import interop. */
function rootModuleOf(exported: Exports): Type | undefined {
  const inner = exported?.default as Exports;
  const candidates = [exported?.default, exported?.AppModule, inner?.default, inner?.AppModule];
  return candidates.find((candidate): candidate is Type => typeof candidate === 'function');
}

/**
 * Loads the root module named by `--module` (compiled .js, or .ts through @swc-node/register)
 * and boots an application context without HTTP server and without telemetry timers: the
 * module's `manualRegistration` switch is forced on through the environment before anything loads.
 */
export async function bootApplication(options: CliOptions): Promise<INestApplicationContext> {
  const file = options.module;
  if (typeof file !== 'string' || file === '') throw new Error(CliMessages.moduleRequired());
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(CliMessages.moduleNotFound(path));
  process.env.TELEMETRY_MANUAL_REGISTRATION = 'true';
  // TypeScript modules are compiled on the fly; @swc-node/register registers itself on import.
  if (/\.[cm]?tsx?$/.test(path)) await import(SWC_REGISTER);
  const root = rootModuleOf(await import(path));
  if (!root) throw new Error(CliMessages.noRootModule(path));
  const verbose = options.verbose === true;
  return NestFactory.createApplicationContext(root, {
    logger: verbose ? ['log', 'warn', 'error'] : ['warn', 'error'],
    abortOnError: false,
  });
}

/** Boots the application, runs `work`, and always closes the context (stores, connections). */
export async function withApplication<T>(
  options: CliOptions,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await bootApplication(options);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
