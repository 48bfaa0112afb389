/** Where a command writes; tests pass their own to capture the output. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Options after parsing: `--name value`, `--name=value` or a bare `--flag` (true). */
export type CliOptions = Record<string, string | boolean>;

/**
 * One CLI command. To add one, write a file exporting a `CliCommand` and add it to the list in
 * `cli/commands/index.ts`; the parser, help and dispatch need no other change.
 */
export interface CliCommand {
  /** Words that select the command, e.g. `list` or `receiver migrate`. */
  name: string;
  aliases?: string[];
  /** One line for the help screen. */
  description: string;
  /** Options it accepts, for the help screen: `['--module <file>', 'root module file']`. */
  options?: Array<[flag: string, description: string]>;
  /** Runs the command; the resolved number is the process exit code. */
  run(options: CliOptions, output: CliOutput, args: string[]): Promise<number>;
}
