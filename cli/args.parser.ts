import { parseArgs } from 'node:util';
import { CliMessages } from './cli.messages';
import {
  type CliCommand,
  type CliOptions,
  type CliOptionSpec,
  CliUsageError,
} from './cli-command.interface';

type NodeOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** `--help` / `-h`, accepted by the binary and by every command. */
export const HELP_OPTION: CliOptionSpec = { type: 'boolean', description: 'show this help' };

const toNodeOptions = (specs: Record<string, CliOptionSpec>): NodeOptions => {
  const options: NodeOptions = { help: { type: 'boolean', short: 'h' } };
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.type };
  return options;
};

/** How an option reads in messages and in the help: `--module <file>` or `--verbose`. */
export const optionLabel = (name: string, spec: CliOptionSpec): string =>
  spec.type === 'string' ? `--${name} ${spec.value ?? '<value>'}` : `--${name}`;

/**
 * The positional words of `argv` (the command's name) and whether help was asked for. Every option
 * some command knows is declared here, so that the value of `--module x list` is not taken for a
 * word; the command's own parse is the strict one.
 */
export function scanWords(
  argv: string[],
  commands: CliCommand[],
): { words: string[]; help: boolean } {
  const known: Record<string, CliOptionSpec> = {};
  for (const command of commands) Object.assign(known, command.options);
  const { values, positionals } = parseArgs({
    args: argv,
    options: toNodeOptions(known),
    strict: false,
    allowPositionals: true,
  });
  return { words: positionals, help: values.help === true };
}

/**
 * Parses `argv` strictly against `command`'s options (`node:util` `parseArgs`): an unknown option,
 * a string option without its value, a value given to a flag, a word after the command's name or
 * a missing required option is a {@link CliUsageError} naming the culprit and what is valid.
 * `nameLength` is the number of words that selected the command.
 */
export function parseCommandArgs(
  argv: string[],
  command: CliCommand,
  nameLength: number,
): { options: CliOptions; help: boolean } {
  const specs = command.options ?? {};
  let parsed: ReturnType<typeof parseArgs<{ options: NodeOptions; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: argv,
      options: toNodeOptions(specs),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new CliUsageError(explainParseError(argv, command) ?? (error as Error).message);
  }
  const { values, positionals } = parsed;
  const extra = positionals.slice(nameLength);
  if (extra.length > 0) throw new CliUsageError(CliMessages.unexpectedArgument(extra[0], command));
  const help = values.help === true;
  delete values.help;
  if (!help) {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.required && (values[name] === undefined || values[name] === '')) {
        throw new CliUsageError(CliMessages.missingOption(optionLabel(name, spec), spec, command));
      }
    }
  }
  return { options: values as CliOptions, help };
}

/** Finds the token `parseArgs` refused and says what is wrong with it in the CLI's words. */
function explainParseError(argv: string[], command: CliCommand): string | undefined {
  const specs = command.options ?? {};
  const { tokens } = parseArgs({
    args: argv,
    options: toNodeOptions(specs),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (token.name === 'help') {
      if (token.value !== undefined) return CliMessages.flagTakesNoValue('--help');
      continue;
    }
    const spec = specs[token.name];
    if (!spec) return CliMessages.unknownOption(token.rawName, command);
    if (spec.type === 'boolean' && token.value !== undefined) {
      return CliMessages.flagTakesNoValue(token.rawName);
    }
    if (
      spec.type === 'string' &&
      (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))
    ) {
      return CliMessages.optionNeedsValue(optionLabel(token.name, spec));
    }
  }
  return undefined;
}
