import type { EnvSource } from '../../lib/protocol';
import { ReceiverCliMessages } from './cli.messages';
import { describeDatabase, resolveCliDatabase } from './receiver-cli.database';
import { type ReceiverCliContext, withReceiverContext } from './receiver-cli.module';

/**
 * Parsed command-line options (`--name value`, `--name=value`, or a bare `--flag`), as the
 * `nestjs-telemetry` binary's parser produces them.
 */
export type ReceiverCliOptions = Record<string, string | boolean | undefined>;

/** Where the receiver commands print; the CLI passes its own, tests capture it. */
export interface ReceiverCliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: ReceiverCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A string option, or `undefined` when absent or given as a bare flag. */
export const stringOption = (options: ReceiverCliOptions, name: string): string | undefined =>
  typeof options[name] === 'string' ? (options[name] as string) : undefined;

/** The plain message of a failure (a domain error, a driver error, a refused option). */
export const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Prints why a command failed and returns its exit code (1). */
export function commandFailed(output: ReceiverCliOutput, error: unknown): number {
  output.err(ReceiverCliMessages.failed(messageOf(error)));
  return 1;
}

/**
 * The skeleton every receiver command shares: resolve the database (`--database`, else
 * `RECEIVER_DATABASE_URL`, else the default file, never created without `--create`), say which
 * one it is, boot the command's slice of the receiver on it, run `work`, close it — and turn any
 * failure into its plain message on stderr and exit code 1.
 *
 * @returns the exit code `work` returns, or 1.
 */
export async function runOnDatabase(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput,
  env: EnvSource,
  work: (receiver: ReceiverCliContext) => Promise<number>,
): Promise<number> {
  try {
    const database = resolveCliDatabase(
      { database: stringOption(options, 'database'), create: options.create === true },
      env,
    );
    output.out(ReceiverCliMessages.database(describeDatabase(database)));
    return await withReceiverContext(database.options, env, work);
  } catch (error) {
    return commandFailed(output, error);
  }
}

/**
 * {@link runOnDatabase} for commands that read or change data: a database whose schema is not up
 * to date is refused (with a hint to run `receiver migrate`) before `work` runs.
 */
export function runOnMigratedDatabase(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput,
  env: EnvSource,
  work: (receiver: ReceiverCliContext) => Promise<number>,
): Promise<number> {
  return runOnDatabase(options, output, env, async (receiver) => {
    if (await receiver.dataSource.showMigrations()) {
      throw new Error(ReceiverCliMessages.notMigrated);
    }
    return work(receiver);
  });
}

/**
 * {@link runOnDatabase} for commands that set a database up (create a project, import): the
 * receiver's migrations are applied first, and listed when there were any.
 */
export function runOnMigratingDatabase(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput,
  env: EnvSource,
  work: (receiver: ReceiverCliContext) => Promise<number>,
): Promise<number> {
  return runOnDatabase(options, output, env, async (receiver) => {
    const applied = await receiver.migrate();
    if (applied.length > 0) output.out(ReceiverCliMessages.migrated(applied));
    return work(receiver);
  });
}

/** How a command reaches its database: {@link runOnMigratedDatabase} or {@link runOnMigratingDatabase}. */
type DatabaseRunner = typeof runOnMigratedDatabase;

/** A receiver command as the `nestjs-telemetry` binary and the tests call it. */
export type ReceiverCommand = (
  options: ReceiverCliOptions,
  output?: ReceiverCliOutput,
  env?: EnvSource,
) => Promise<number>;

/**
 * Declares a command that validates its options with `parse` before any database is opened (a
 * typo costs no connection, and the message is the API's own), then runs `work` with what
 * `parse` returned on the database `runner` opens (by default one whose schema is up to date).
 */
export function parsedCommand<T>(
  parse: (options: ReceiverCliOptions) => T,
  work: (receiver: ReceiverCliContext, input: T, output: ReceiverCliOutput) => Promise<number>,
  runner: DatabaseRunner = runOnMigratedDatabase,
): ReceiverCommand {
  return (options, output = consoleOutput, env = process.env) => {
    let input: T;
    try {
      input = parse(options);
    } catch (error) {
      return Promise.resolve(commandFailed(output, error));
    }
    return runner(options, output, env, (receiver) => work(receiver, input, output));
  };
}
