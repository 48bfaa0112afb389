import type { TelemetryCliAccess } from '../../lib/cli/telemetry-cli.access';
import { MODULE_OPTION, withTelemetry } from '../application.loader';
import { CliMessages } from '../cli.messages';
import {
  type CliCommand,
  type CliOptions,
  type CliOptionSpec,
  type CliOutput,
  CliUsageError,
} from '../cli-command.interface';
import { renderTable } from '../table';
import { DeadLettersMessages } from './dead-letters.messages';

const IDS: CliOptionSpec = {
  type: 'string',
  value: '<ids>',
  description: 'only these dead letters, by id as listed (comma-separated)',
};

/** The ids of `--id`, or `undefined` when it is not given. */
function idsOf(options: CliOptions): number[] | undefined {
  const raw = options.id;
  if (typeof raw !== 'string') return undefined;
  const ids = raw.split(',').map((part) => part.trim());
  if (ids.some((id) => !/^\d+$/.test(id))) throw new CliUsageError(DeadLettersMessages.badIds(raw));
  return ids.map(Number);
}

/** `dead-letters`: the payloads the server refused for good, value by value, with the refusal. */
export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  description: 'List the values the server refused for good (kept apart from the outbox)',
  options: MODULE_OPTION,
  run: (options, output) =>
    withTelemetry(options, async ({ reporter }) => {
      const letters = await reporter.deadLetters();
      if (letters.length === 0) {
        output.out(DeadLettersMessages.none());
        return 0;
      }
      const rows = letters.map((letter) => [
        String(letter.id),
        letter.host,
        letter.key,
        letter.collectedAt,
        String(letter.status),
        letter.reason,
        letter.refusedAt,
      ]);
      output.out(
        renderTable(['Id', 'Host', 'Key', 'Collected at', 'Status', 'Reason', 'Refused at'], rows),
      );
      output.out(DeadLettersMessages.summary(letters.length));
      return 0;
    }),
};

/** `dead-letters retry`: sends dead letters again; accepted ones leave the dead letters. */
export const deadLettersRetryCommand: CliCommand = {
  name: 'dead-letters retry',
  description: 'Send the dead letters (or those of --id) to the server again',
  options: { ...MODULE_OPTION, id: IDS },
  run: (options, output) => {
    const ids = idsOf(options);
    return withTelemetry(options, (telemetry) => retry(telemetry, ids, output));
  },
};

async function retry(
  { reporter }: TelemetryCliAccess,
  ids: number[] | undefined,
  output: CliOutput,
): Promise<number> {
  const outcome = await reporter.retryDeadLetters(ids);
  switch (outcome.status) {
    case 'done':
      output.out(DeadLettersMessages.retried(outcome.sent, outcome.refused, outcome.remaining));
      return outcome.refused > 0 ? 1 : 0;
    case 'locked':
      output.out(DeadLettersMessages.locked());
      return 0;
    case 'unconfigured':
      output.err(CliMessages.unconfigured());
      return 1;
    case 'failed':
      output.err(
        DeadLettersMessages.retryFailed(
          outcome.result?.error ?? `HTTP ${outcome.result?.status}`,
          outcome.remaining,
        ),
      );
      return 1;
  }
}

/** `dead-letters drop`: deletes dead letters for good (`--all`, or those of `--id`). */
export const deadLettersDropCommand: CliCommand = {
  name: 'dead-letters drop',
  description: 'Delete dead letters for good (--all, or those of --id)',
  options: {
    ...MODULE_OPTION,
    id: IDS,
    all: { type: 'boolean', description: 'every dead letter' },
  },
  run: (options, output) => {
    const ids = idsOf(options);
    if (!ids && options.all !== true) {
      throw new CliUsageError(DeadLettersMessages.dropNeedsSelection());
    }
    return withTelemetry(options, async ({ reporter }) => {
      output.out(DeadLettersMessages.dropped(await reporter.dropDeadLetters(ids)));
      return 0;
    });
  },
};
