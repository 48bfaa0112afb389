import {
  consoleOutput,
  messageOf,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
} from './cli-args';
import { ReceiverCliMessages } from './cli.messages';
import { describeDatabase, resolveCliDatabase } from './receiver-cli.database';
import { withReceiverContext } from './receiver-cli.module';
import { RollupMessages } from '../analytics/rollups/rollup.messages';
import type { RollupRebuildProgress } from '../analytics/rollups/rollup-rebuild.service';

const BAR_WIDTH = 30;

/** One progress line: a bar on a terminal (redrawn in place), every tenth of the way otherwise. */
function progressPrinter(
  output: ReceiverCliOutput,
  tty: NodeJS.WriteStream | undefined,
): (progress: RollupRebuildProgress) => void {
  let lastTenth = -1;
  return ({ day, done, total, pageviews }) => {
    const share = Math.min(1, done / Math.max(1, total));
    const text = `${day}  ${done}/${total} days  ${pageviews} pageviews`;
    if (tty?.isTTY) {
      const filled = Math.round(share * BAR_WIDTH);
      tty.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}`);
      if (done >= total) tty.write('\n');
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      output.out(text);
    }
  };
}

/**
 * `nestjs-telemetry receiver rebuild-rollups [--database <url>]`: builds the analytics rollups
 * from the stored pageviews in the receiver's time zone (`RECEIVER_TIMEZONE`), one day per
 * transaction with a progress bar when `tty` is a terminal (lines otherwise); interrupted, it resumes after the last finished day. Needed
 * once for data stored before the rollups existed, and after a time-zone change.
 */
export async function runReceiverRebuildRollups(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  tty?: NodeJS.WriteStream,
): Promise<number> {
  try {
    const database = resolveCliDatabase(options, process.env);
    output.out(ReceiverCliMessages.database(describeDatabase(database)));
    const report = await withReceiverContext(database.options, async (receiver) => {
      if (await receiver.dataSource.showMigrations())
        throw new Error(ReceiverCliMessages.notMigrated);
      const plan = await receiver.rollups.plan();
      const days =
        plan.from === null
          ? 0
          : Math.round((Date.parse(plan.to) - Date.parse(plan.from)) / 86_400_000) + 1;
      output.out(RollupMessages.rebuilding(receiver.rollups.timeZone, days, plan.from));
      return receiver.rollups.rebuild(progressPrinter(output, tty));
    });
    output.out(RollupMessages.rebuilt(report.days, report.pageviews, report.durationMs));
    return 0;
  } catch (error) {
    output.err(ReceiverCliMessages.failed(messageOf(error)));
    return 1;
  }
}
