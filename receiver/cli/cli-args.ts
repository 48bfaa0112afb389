/** Parsed command-line options: `--name value`, `--name=value`, or a bare `--flag`. */
export type ReceiverCliOptions = Record<string, string | boolean>;

/** Where the receiver commands print; the CLI passes its own, tests capture it. */
export interface ReceiverCliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: ReceiverCliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function parseCliArgs(args: string[]): ReceiverCliOptions {
  const options: ReceiverCliOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) continue;
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    if (eq >= 0) options[body.slice(0, eq)] = body.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[body] = args[++i];
    else options[body] = true;
  }
  return options;
}

/** A string option, or `undefined` when absent or given as a bare flag. */
export const stringOption = (options: ReceiverCliOptions, name: string): string | undefined =>
  typeof options[name] === 'string' ? (options[name] as string) : undefined;
