import { parseArgs } from './args.parser';
import { CliMessages } from './cli.messages';
import type { CliCommand, CliOutput } from './cli-command.interface';
import { COMMANDS } from './commands';

const consoleOutput: CliOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Finds the command whose name (one or more words) or alias starts `words`. */
export function findCommand(
  words: string[],
  commands: CliCommand[] = COMMANDS,
): CliCommand | undefined {
  const matches = (name: string) => {
    const parts = name.split(' ');
    return parts.every((part, i) => words[i] === part) ? parts.length : 0;
  };
  let best: { command: CliCommand; length: number } | undefined;
  for (const command of commands) {
    for (const name of [command.name, ...(command.aliases ?? [])]) {
      const length = matches(name);
      if (length > (best?.length ?? 0)) best = { command, length };
    }
  }
  return best?.command;
}

function help(output: CliOutput, commands: CliCommand[]): void {
  output.out('Usage: nestjs-telemetry <command> [options]\n\nCommands:');
  for (const command of commands) {
    const names = [command.name, ...(command.aliases ?? [])].join(', ');
    output.out(`  ${names.padEnd(24)} ${command.description}`);
    for (const [flag, description] of command.options ?? [])
      output.out(`      ${flag.padEnd(22)} ${description}`);
  }
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(
  argv: string[],
  output: CliOutput = consoleOutput,
  commands: CliCommand[] = COMMANDS,
): Promise<number> {
  const { words, options } = parseArgs(argv);
  if (words.length === 0 || words[0] === 'help' || options.help === true) {
    help(output, commands);
    return words.length === 0 && options.help !== true ? 1 : 0;
  }
  const command = findCommand(words, commands);
  if (!command) {
    output.err(CliMessages.unknownCommand(words.join(' ')));
    return 1;
  }
  try {
    return await command.run(options, output, words.slice(command.name.split(' ').length));
  } catch (error) {
    output.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
