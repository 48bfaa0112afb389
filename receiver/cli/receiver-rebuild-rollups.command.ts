import type { EnvSource } from '../../lib/protocol';
import { daysBetween } from '../common/time/zoned-time.util';
import {
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratedDatabase,
} from './receiver-cli.runner';
import { progressDisplay } from './receiver-cli.progress';
import { RollupMessages } from '../rollups/rollup.messages';
import type { RollupRebuildProgress } from '../rollups/rollup-rebuild.service';

/** One progress line per day rebuilt (stdout: the command prints nothing else meanwhile). */
function progressPrinter(
  output: ReceiverCliOutput,
  tty: NodeJS.WriteStream | undefined,
): (progress: RollupRebuildProgress) => void {
  const show = progressDisplay((text) => output.out(text), tty);
  return ({ day, done, total, pageviews }) =>
    show(done, total, `${day}  ${done}/${total} days  ${pageviews} pageviews`);
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
