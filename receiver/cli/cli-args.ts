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
