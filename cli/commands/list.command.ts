import { toUtcSecond } from '../../lib/protocol';
import { MODULE_OPTION, withTelemetry } from '../application.loader';
import { CliMessages } from '../cli.messages';
import type { CliCommand } from '../cli-command.interface';
import { renderTable } from '../table';

/** `list`: every discovered collector with its interval and its last and next collection. */
export const listCommand: CliCommand = {
  name: 'list',
  description: 'List the @Telemetry() collectors of an application',
  options: MODULE_OPTION,
  run: (options, output) =>
    withTelemetry(options, async ({ collection }) => {
      const now = new Date();
      const statuses = await collection.getStatuses(now);
      if (statuses.length === 0) {
        output.out(CliMessages.noCollectors());
        return 0;
      }
      const rows = statuses.map(({ collector, lastCollectedAt, nextDueAt }) => [
        collector.key,
        collector.className,
        collector.methodName,
        String(collector.interval),
        lastCollectedAt ? toUtcSecond(lastCollectedAt) : 'never',
        nextDueAt.getTime() <= now.getTime() ? 'now' : toUtcSecond(nextDueAt),
      ]);
      output.out(
        renderTable(
          ['Key', 'Class', 'Method', 'Interval (seconds)', 'Last collected', 'Next due'],
          rows,
        ),
      );
      return 0;
    }),
};
