import type { EnvSource } from '../../lib/protocol';
import { MicrologsImportMessages } from '../micrologs-import/micrologs-import.messages';
import type {
  ImportProgress,
  ImportReport,
} from '../micrologs-import/micrologs-import-report.interface';
import { SKIP_REASONS } from '../micrologs-import/import-row.converter';
import { IMPORTED_TABLES } from '../micrologs-import/micrologs-import.steps';
import { progressDisplay } from './receiver-cli.progress';
import {
  commandFailed,
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratingDatabase,
  stringOption,
} from './receiver-cli.runner';

/** Import progress on stderr (stdout keeps the summary, for a pipe or a log), with rows/s. */
function progressPrinter(
  output: ReceiverCliOutput,
  tty: NodeJS.WriteStream | undefined,
): (progress: ImportProgress) => void {
  const show = progressDisplay((text) => output.err(text), tty);
  const started = Date.now();
  return ({ table, done, total }) => {
    const percent = Math.floor(Math.min(1, done / Math.max(1, total)) * 100);
    const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
    show(done, total, `${done}/${total} rows  ${percent}%  ${rate} rows/s  ${table}`);
  };
}

function printSummary(output: ReceiverCliOutput, report: ImportReport): void {
  for (const table of report.tables) {
    const skipped = SKIP_REASONS.filter((reason) => table.skipped[reason] > 0)
      .map((reason) => `${table.skipped[reason]} ${reason}`)
      .join(', ');
    output.out(MicrologsImportMessages.table(table.table, { ...table, skipped }));
  }
  output.out(
    MicrologsImportMessages.done(
      report.read,
      report.imported,
      report.copyMs / 1000,
      report.rowsPerSecond,
    ),
  );
  const { rollups } = report;
  if (rollups.full)
    output.out(MicrologsImportMessages.rollupsFull(rollups.days, rollups.durationMs / 1000));
  else
    output.out(
      MicrologsImportMessages.rollups(rollups.projects, rollups.days, rollups.durationMs / 1000),
    );
  output.out(MicrologsImportMessages.rerun);
}

/**
 * `nestjs-telemetry receiver import-micrologs --from mysql://user@host/db [--timezone <zone>]
 * [--database <url>]`: copies a Micrologs v2 database into the receiver's (projects with their
 * keys, visitors, sessions, pageviews, devices, locations, errors, audit logs, links and clicks),
 * then rebuilds the rollups of the imported projects. Run it again to resume an interrupted
 * import: nothing is copied twice.
 */
export function runReceiverImportMicrologs(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
  tty?: NodeJS.WriteStream,
): Promise<number> {
  const from = stringOption(options, 'from');
  if (!from) return Promise.resolve(commandFailed(output, MicrologsImportMessages.badSource));
  // As create-project: the projects it creates need the receiver's schema.
  return runOnMigratingDatabase(options, output, env, async (receiver) => {
    const report = await receiver.micrologsImport.run({
      from,
      timeZone: stringOption(options, 'timezone'),
      onStart: (total, timeZone) =>
        output.out(MicrologsImportMessages.starting(IMPORTED_TABLES.length, total, timeZone)),
      onProgress: progressPrinter(output, tty),
    });
    printSummary(output, report);
    return 0;
  });
}
