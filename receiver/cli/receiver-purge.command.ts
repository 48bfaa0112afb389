import {
  consoleOutput,
  messageOf,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
} from './cli-args';
import { ReceiverCliMessages } from './cli.messages';
import { describeDatabase, resolveCliDatabase } from './receiver-cli.database';
import { withReceiverContext } from './receiver-cli.module';

/**
 * `nestjs-telemetry receiver purge [--dry-run] [--database <url>]`: says which database it works
 * on, then deletes the data older than each project's retention periods (the same job a serving
 * receiver runs on its timer, under the same lease) and prints the rows per table. `--dry-run`
 * only counts them. Retention defaults come from the `RECEIVER_RETENTION_*` variables.
 */
export async function runReceiverPurge(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  try {
    const database = resolveCliDatabase(options, env);
    output.out(ReceiverCliMessages.database(describeDatabase(database)));
    const dryRun = options['dry-run'] === true;
    const report = await withReceiverContext(database.options, async (receiver) => {
      if (await receiver.dataSource.showMigrations())
        throw new Error(ReceiverCliMessages.notMigrated);
      return receiver.purge.run({ dryRun });
    });
    if (!report.ran) {
      output.err(ReceiverCliMessages.purgeBusy);
      return 1;
    }
    const tables = Object.entries(report.rows);
    output.out(ReceiverCliMessages.purged(dryRun, report.durationMs));
    if (tables.length === 0) output.out(ReceiverCliMessages.purgedNothing);
    for (const [table, rows] of tables) output.out(`${table.padEnd(18)} ${rows}`);
    return 0;
  } catch (error) {
    output.err(ReceiverCliMessages.failed(messageOf(error)));
    return 1;
  }
}
