/** Where a command writes; tests pass their own to capture the output. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** One option a command accepts: `--name <value>` (string) or a bare `--flag` (boolean). */
export interface CliOptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in the help for a string option, e.g. `<file>`. */
  value?: string;
  /** One line for the help screen. */
  description: string;
  /** The command refuses to run without it. */
  required?: boolean;
}

/** Option values after parsing: strings for string options, `true` for flags given. */
export type CliOptions = Record<string, string | boolean | undefined>;

/**
 * One CLI command. To add one, write a file exporting a `CliCommand` and add it to the list in
 * `cli/commands/index.ts`; parsing, help and dispatch need no other change.
 */
export interface CliCommand {
  /** Words that select the command, e.g. `list` or `receiver migrate`. */
  name: string;
  aliases?: string[];
  /** One line for the help screen. */
  description: string;
  /** The options it accepts, by name without the dashes; anything else is refused. */
  options?: Record<string, CliOptionSpec>;
  /** Runs the command; the resolved number is the process exit code. */
  run(options: CliOptions, output: CliOutput): Promise<number>;
}

/** A mistake in the command line: printed as it is (no stack), exit code 1. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}
