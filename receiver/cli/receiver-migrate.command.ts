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
 * `nestjs-telemetry receiver migrate [--database <url>] [--create]`: says which database it
 * works on, then applies the pending receiver migrations. Returns the exit code (0 on success, 1
 * with the reason on stderr).
 */
export async function runReceiverMigrate(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  try {
    const database = resolveCliDatabase(options, env);
    output.out(ReceiverCliMessages.database(describeDatabase(database)));
    const applied = await withReceiverContext(database.options, (receiver) => receiver.migrate());
    output.out(
      applied.length === 0 ? ReceiverCliMessages.upToDate : ReceiverCliMessages.migrated(applied),
    );
    return 0;
  } catch (error) {
    output.err(ReceiverCliMessages.failed(messageOf(error)));
    return 1;
  }
}
