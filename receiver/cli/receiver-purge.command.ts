import type { EnvSource } from '../../lib/protocol';
import { ReceiverCliMessages } from './cli.messages';
import {
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratedDatabase,
} from './receiver-cli.runner';

/**
 * `nestjs-telemetry receiver purge [--dry-run] [--database <url>]`: says which database it works
 * on, then deletes the data older than each project's retention periods (the same job a serving
 * receiver runs on its timer, under the same lease) and prints the rows per table. `--dry-run`
 * only counts them. Retention defaults come from the `RECEIVER_RETENTION_*` variables.
 */
export function runReceiverPurge(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  const dryRun = options['dry-run'] === true;
  return runOnMigratedDatabase(options, output, env, async (receiver) => {
    const report = await receiver.purge.run({ dryRun });
    if (!report.ran) {
      output.err(ReceiverCliMessages.purgeBusy);
      return 1;
    }
    const tables = Object.entries(report.rows);
    output.out(ReceiverCliMessages.purged(dryRun, report.durationMs));
    if (tables.length === 0) output.out(ReceiverCliMessages.purgedNothing);
    for (const [table, rows] of tables) output.out(`${table.padEnd(18)} ${rows}`);
    return 0;
  });
}
