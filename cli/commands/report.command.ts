import type { TelemetryCliAccess } from '../../lib/cli/telemetry-cli.access';
import { MODULE_OPTION, withTelemetry } from '../application.loader';
import { CliMessages } from '../cli.messages';
import type { CliCommand, CliOutput } from '../cli-command.interface';
import { DeadLettersMessages } from './dead-letters.messages';

/**
 * `report` (alias `send`): collects every collector now (or only the due ones), sends the whole
 * backlog and exits non-zero when the receiver could not take it.
 */
export const reportCommand: CliCommand = {
  name: 'report',
  aliases: ['send'],
  description: 'Collect telemetry now and send the backlog to the server',
  options: {
    ...MODULE_OPTION,
    'only-due': {
      type: 'boolean',
      description: 'collect only the collectors whose interval has elapsed',
    },
    verbose: { type: 'boolean', description: 'log payloads and responses (secrets redacted)' },
  },
  run: (options, output) => {
    if (options.verbose === true) process.env.TELEMETRY_VERBOSE_LOGGING = 'true';
    return withTelemetry(options, async (telemetry) => {
      const code = await report(telemetry, options['only-due'] === true, output);
      // Refused values are kept apart: say so where the user looks after a send.
      let dead = 0;
      if (telemetry.options.enabled) {
        for (const letters of telemetry.deadLetters) dead += await letters.count();
      }
      if (dead > 0) output.err(DeadLettersMessages.reportNote(dead));
      return code;
    });
  },
};

async function report(
  { options: config, collection, reporter }: TelemetryCliAccess,
  onlyDue: boolean,
  output: CliOutput,
): Promise<number> {
  if (!config.enabled) {
    output.out(CliMessages.disabled());
    return 0;
  }
  const result = onlyDue ? await collection.collectDue() : await collection.collect();
  output.out(CliMessages.collected(result.collected.length, result.failed));

  let payloads = 0;
  let entries = 0;
  for (;;) {
    const outcome = await reporter.sendBacklog();
    payloads += outcome.payloads;
    entries += outcome.entries;
    switch (outcome.status) {
      case 'empty':
        output.out(
          payloads > 0
            ? CliMessages.posted(config.serverUrl, payloads, entries)
            : CliMessages.nothingToSend(),
        );
        return 0;
      case 'sent':
        // Entries collected meanwhile by a running app sharing the store go out too, but a
        // round that sent nothing must not spin.
        if (outcome.remaining > 0 && outcome.payloads > 0) continue;
        output.out(CliMessages.posted(config.serverUrl, payloads, entries));
        return 0;
      case 'locked':
        output.out(CliMessages.locked(outcome.remaining));
        return 0;
      case 'unconfigured':
        output.err(CliMessages.unconfigured());
        return 1;
      case 'failed':
        output.err(
          CliMessages.failed(
            outcome.result.error ?? `HTTP ${outcome.result.status}`,
            outcome.remaining,
          ),
        );
        return 1;
    }
  }
}
