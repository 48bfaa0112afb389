import { parseCommandArgs, scanWords } from './args.parser';
import { CliMessages } from './cli.messages';
import type { CliCommand, CliOutput } from './cli-command.interface';
import { COMMANDS } from './commands';
import { renderCommandHelp, renderHelp } from './help.renderer';

const consoleOutput: CliOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Finds the command whose name (one or more words) or alias starts `words`, and how many words
 * selected it; the longest match wins.
 */
export function findCommand(
  words: string[],
  commands: CliCommand[] = COMMANDS,
): { command: CliCommand; length: number } | undefined {
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
  return best;
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(
  argv: string[],
  output: CliOutput = consoleOutput,
  commands: CliCommand[] = COMMANDS,
): Promise<number> {
  const { words, help } = scanWords(argv, commands);
  if (words[0] === 'help') {
    const found = findCommand(words.slice(1), commands);
    output.out(found ? renderCommandHelp(found.command) : renderHelp(commands));
    return 0;
  }
  if (words.length === 0) {
    // No command at all: the help, as an answer (exit 0) or as a correction (exit 1).
    (help ? output.out : output.err)(renderHelp(commands));
    return help ? 0 : 1;
  }
  const found = findCommand(words, commands);
  if (!found) {
    const names = commands.flatMap((command) => [command.name, ...(command.aliases ?? [])]);
    const typed = words.join(' ');
    const group = names.filter((name) => name.startsWith(`${typed} `));
    output.err(
      group.length > 0
        ? CliMessages.incompleteCommand(typed, group)
        : CliMessages.unknownCommand(typed, names),
    );
    return 1;
  }
  try {
    const parsed = parseCommandArgs(argv, found.command, found.length);
    if (parsed.help) {
      output.out(renderCommandHelp(found.command));
      return 0;
    }
    return await found.command.run(parsed.options, output);
  } catch (error) {
    // Messages, not stacks: usage mistakes and failures alike say what to do in their text.
    output.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
