import type { EnvSource } from '../../lib/protocol';
import { daysBetween } from '../common/time/zoned-time.util';
import {
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratedDatabase,
} from './receiver-cli.runner';
import { RollupMessages } from '../rollups/rollup.messages';
import type { RollupRebuildProgress } from '../rollups/rollup-rebuild.service';

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
 * transaction, with a progress bar when `tty` is a terminal (lines otherwise); interrupted, it
 * resumes after the last finished day. Needed once for data stored before the rollups existed
 * (an upgrade, an import), and after a time-zone change.
 */
export function runReceiverRebuildRollups(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
  tty?: NodeJS.WriteStream,
): Promise<number> {
  return runOnMigratedDatabase(options, output, env, async (receiver) => {
    const plan = await receiver.rollups.plan();
    const days = plan.from === null ? 0 : daysBetween(plan.from, plan.to) + 1;
    output.out(RollupMessages.rebuilding(receiver.rollups.timeZone, days, plan.from));
    const report = await receiver.rollups.rebuild(progressPrinter(output, tty));
    output.out(RollupMessages.rebuilt(report.days, report.pageviews, report.durationMs));
    return 0;
  });
}
