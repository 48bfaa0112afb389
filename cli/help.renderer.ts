import { HELP_OPTION, optionLabel } from './args.parser';
import type { CliCommand } from './cli-command.interface';

const BIN = 'nestjs-telemetry';
const WIDTH = 100;
const GAP = 3;

/** Wraps `text` to the screen width, continuation lines indented to `indent`. */
function wrap(text: string, indent: number): string {
  const room = Math.max(30, WIDTH - indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** Two aligned columns: the terms padded to the longest, the texts wrapped beside them. */
function columns(rows: Array<[term: string, text: string]>): string[] {
  const width = Math.max(...rows.map(([term]) => term.length)) + GAP;
  return rows.map(([term, text]) => `  ${term.padEnd(width)}${wrap(text, width + 2)}`);
}

const namesOf = (command: CliCommand): string =>
  [command.name, ...(command.aliases ?? [])].join(', ');

/** The binary's help: every command with its description. */
export function renderHelp(commands: CliCommand[]): string {
  return [
    `Usage: ${BIN} <command> [options]`,
    '',
    'Commands:',
    ...columns(commands.map((command) => [namesOf(command), command.description])),
    '',
    'Options:',
    ...columns([['-h, --help', HELP_OPTION.description]]),
    '',
    `Run "${BIN} <command> --help" for the options of a command.`,
  ].join('\n');
}

/** One command's help: usage, aliases, description and every option. */
export function renderCommandHelp(command: CliCommand): string {
  const options = Object.entries(command.options ?? {});
  const required = options
    .filter(([, spec]) => spec.required)
    .map(([name, spec]) => optionLabel(name, spec));
  return [
    `Usage: ${BIN} ${command.name} ${[...required, '[options]'].join(' ')}`,
    ...(command.aliases?.length ? [`Alias: ${command.aliases.join(', ')}`] : []),
    '',
    `${command.description}.`,
    '',
    'Options:',
    ...columns([
      ...options.map(([name, spec]): [string, string] => [
        optionLabel(name, spec),
        spec.required ? `${spec.description} (required)` : spec.description,
      ]),
      ['-h, --help', HELP_OPTION.description],
    ]),
  ].join('\n');
}
