import type { CliOptions } from './cli-command.interface';

/** Splits `argv` into positional words and `--options` (`--a b`, `--a=b`, bare `--flag`). */
export function parseArgs(argv: string[]): { words: string[]; options: CliOptions } {
  const words: string[] = [];
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const body = arg.slice(2);
    const eq = body.indexOf('=');
    if (eq >= 0) options[body.slice(0, eq)] = body.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) options[body] = argv[++i];
    else options[body] = true;
  }
  return { words, options };
}
