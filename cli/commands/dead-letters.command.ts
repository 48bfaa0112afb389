import type { TelemetryCliAccess } from '../../lib/cli/telemetry-cli.access';
import { DEAD_LETTER_OUTBOXES } from '../../lib/outbox/dead-letters';
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

type Outboxes = TelemetryCliAccess['deadLetters'];

const IDS: CliOptionSpec = {
  type: 'string',
  value: '<ids>',
  description: 'only these dead letters, by id as listed (comma-separated, e.g. telemetry:12)',
};

/** An id as listed: the outbox the dead letter came from, and its number in that outbox. */
const ID = new RegExp(`^(${DEAD_LETTER_OUTBOXES.join('|')}):(\\d+)$`);

/** The ids of `--id` by outbox, or `undefined` when it is not given. */
function idsOf(options: CliOptions): Map<string, number[]> | undefined {
  const raw = options.id;
  if (typeof raw !== 'string') return undefined;
  const ids = new Map<string, number[]>();
  for (const part of raw.split(',')) {
    const match = ID.exec(part.trim());
    if (!match) throw new CliUsageError(DeadLettersMessages.badIds(raw));
    ids.set(match[1], [...(ids.get(match[1]) ?? []), Number(match[2])]);
  }
  return ids;
}

/** The outboxes `ids` names (all without `--id`), each with its ids (`undefined`: all of them). */
function select(outboxes: Outboxes, ids: Map<string, number[]> | undefined) {
  return outboxes
    .filter((letters) => !ids || ids.has(letters.outbox))
    .map((letters) => ({ letters, only: ids?.get(letters.outbox) }));
}

/** `dead-letters`: the values the server refused for good, with the refusal and their outbox. */
export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  description: 'List the values the server refused for good (kept apart from the outbox)',
  options: MODULE_OPTION,
  run: (options, output) =>
    withTelemetry(options, async ({ deadLetters }) => {
      const rows: string[][] = [];
      for (const letters of deadLetters) {
        for (const letter of await letters.list()) {
          rows.push([
            `${letters.outbox}:${letter.id}`,
            letter.host,
            letter.key,
            letter.collectedAt,
            String(letter.status),
            letter.reason,
            letter.refusedAt,
          ]);
        }
      }
      if (rows.length === 0) {
        output.out(DeadLettersMessages.none());
        return 0;
      }
      output.out(
        renderTable(['Id', 'Host', 'Key', 'Collected at', 'Status', 'Reason', 'Refused at'], rows),
      );
      output.out(DeadLettersMessages.summary(rows.length));
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
    return withTelemetry(options, ({ deadLetters }) => retry(deadLetters, ids, output));
  },
};

async function retry(
  outboxes: Outboxes,
  ids: Map<string, number[]> | undefined,
  output: CliOutput,
): Promise<number> {
  let code = 0;
  let tried = false;
  for (const { letters, only } of select(outboxes, ids)) {
    if (!only && (await letters.count()) === 0) continue;
    tried = true;
    const { outbox } = letters;
    const outcome = await letters.retry(only);
    switch (outcome.status) {
      case 'done':
        output.out(
          DeadLettersMessages.retried(outbox, outcome.sent, outcome.refused, outcome.remaining),
        );
        if (outcome.refused > 0) code = 1;
        break;
      case 'locked':
        output.out(DeadLettersMessages.locked(outbox));
        break;
      case 'unconfigured':
        output.err(CliMessages.unconfigured());
        code = 1;
        break;
      case 'failed':
        output.err(
          DeadLettersMessages.retryFailed(
            outbox,
            outcome.result?.error ?? `HTTP ${outcome.result?.status}`,
            outcome.remaining,
          ),
        );
        code = 1;
        break;
    }
  }
  if (!tried) output.out(DeadLettersMessages.none());
  return code;
}

/** `dead-letters drop`: deletes dead letters for good (`--all`, or those of `--id`). */
export const deadLettersDropCommand: CliCommand = {
  name: 'dead-letters drop',
  description: 'Delete dead letters for good (--all, or those of --id)',
  options: {
    ...MODULE_OPTION,
    id: IDS,
    all: { type: 'boolean', description: 'every dead letter, of every outbox' },
  },
  run: (options, output) => {
    const ids = idsOf(options);
    if (!ids && options.all !== true) {
      throw new CliUsageError(DeadLettersMessages.dropNeedsSelection());
    }
    return withTelemetry(options, async ({ deadLetters }) => {
      let dropped = 0;
      for (const { letters, only } of select(deadLetters, ids)) dropped += await letters.drop(only);
      output.out(DeadLettersMessages.dropped(dropped));
      return 0;
    });
  },
};
