import type { CliCommand, CliOptionSpec } from './cli-command.interface';

const BIN = 'nestjs-telemetry';

/** Levenshtein distance, to suggest the option or command a typo meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate closest to `word`, when it is close enough to be the likely intent. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(word, candidate);
    if (score <= Math.max(2, Math.floor(candidate.length / 3)) && score < (best?.score ?? 99))
      best = { candidate, score };
  }
  return best?.candidate;
}

const optionFlags = (command: CliCommand): string[] => [
  ...Object.keys(command.options ?? {}).map((name) => `--${name}`),
  '--help',
];

/** Texts the CLI prints. */
export const CliMessages = {
  unknownCommand: (words: string, names: string[]): string => {
    const guess = closest(words, names);
    return (
      `Unknown command "${words}".${guess ? ` Did you mean "${guess}"?` : ''} ` +
      `Run "${BIN} help" for the list.`
    );
  },
  incompleteCommand: (words: string, commands: string[]): string =>
    `"${words}" is the start of a command: ${commands.join(', ')}.`,
  unknownOption: (raw: string, command: CliCommand): string => {
    const valid = optionFlags(command);
    const guess = raw.startsWith('--') ? closest(raw, valid) : undefined;
    return (
      `Unknown option ${raw} for "${command.name}".${guess ? ` Did you mean ${guess}?` : ''} ` +
      `Valid options: ${valid.join(', ')}.`
    );
  },
  unexpectedArgument: (word: string, command: CliCommand): string =>
    `Unexpected argument "${word}" after "${command.name}": it takes options only ` +
    `(see "${BIN} ${command.name} --help").`,
  optionNeedsValue: (label: string): string =>
    `Option ${label.split(' ')[0]} needs a value: ${label} (use ${label.split(' ')[0]}=<value> ` +
    'for a value that starts with a dash).',
  flagTakesNoValue: (raw: string): string => `Option ${raw} is a flag and takes no value.`,
  missingOption: (label: string, spec: CliOptionSpec, command: CliCommand): string =>
    `The ${label} option is required by "${command.name}" (${spec.description}).`,
  moduleNotFound: (file: string) => `Module file ${file} does not exist.`,
  typescriptLoaderMissing: (file: string) =>
    `${file} is TypeScript, and loading it needs @swc-node/register, which is not installed ` +
    'here. Install it in the application:\n' +
    '  npm install --save-dev @swc-node/register @swc/core\n' +
    'or point --module at the compiled JavaScript file (for example dist/app.module.js).',
  moduleLoadFailed: (file: string, reason: string) => `Could not load ${file}: ${reason}`,
  noRootModule: (file: string) =>
    `${file} exports neither a default export nor AppModule: export the application's root module.`,
  noTelemetryModule: (file: string) =>
    `The application in ${file} does not import TelemetryModule ` +
    '(TelemetryModule.forRoot() or forRootAsync() in its root module or one it imports), or ' +
    `imports a version of nestjs-telemetry this CLI does not know: run the CLI installed beside it.`,
  noCollectors: () => 'No telemetry data collectors found.',
  disabled: () => 'Telemetry disabled via config.',
  collected: (count: number, failed: string[]) =>
    `Collected ${count} value(s)${failed.length ? `; failed: ${failed.join(', ')}` : ''}.`,
  nothingToSend: () => 'No telemetry data to send.',
  posted: (url: string, payloads: number, entries: number) =>
    `Telemetry posted to ${url}: ${payloads} payload(s), ${entries} value(s).`,
  locked: (remaining: number) =>
    `Another process is sending the backlog right now; ${remaining} value(s) wait in the outbox.`,
  failed: (reason: string, remaining: number) =>
    `Failed to send telemetry data (${reason}); ${remaining} value(s) kept in the outbox.`,
  unconfigured: () => 'Failed to send telemetry data: Telemetry server URL is not configured.',
} as const;
