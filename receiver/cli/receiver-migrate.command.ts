import { consoleOutput, type ReceiverCliOptions, type ReceiverCliOutput } from './cli-args';
import { ReceiverCliMessages } from './cli.messages';
import { openCliDataSource } from './receiver-cli.data-source';

/**
 * `nestjs-telemetry receiver migrate [--database <url>]`: applies pending receiver migrations.
 * Returns the exit code (0 on success, 1 on failure with the reason on stderr).
 */
export async function runReceiverMigrate(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
): Promise<number> {
  try {
    const dataSource = await openCliDataSource(options);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      output.out(
        applied.length === 0
          ? ReceiverCliMessages.upToDate
          : ReceiverCliMessages.migrated(applied.map((migration) => migration.name)),
      );
      return 0;
    } finally {
      await dataSource.destroy();
    }
  } catch (error) {
    output.err(ReceiverCliMessages.failed((error as Error).message));
    return 1;
  }
}
