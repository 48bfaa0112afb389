import type { EnvSource } from '../../lib/protocol';
import { ReceiverCliMessages } from './cli.messages';
import {
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnDatabase,
} from './receiver-cli.runner';

/**
 * `nestjs-telemetry receiver migrate [--database <url>] [--create]`: says which database it
 * works on, then applies the pending receiver migrations. Returns the exit code (0 on success, 1
 * with the reason on stderr).
 */
export function runReceiverMigrate(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runOnDatabase(options, output, env, async (receiver) => {
    const applied = await receiver.migrate();
    output.out(
      applied.length === 0 ? ReceiverCliMessages.upToDate : ReceiverCliMessages.migrated(applied),
    );
    return 0;
  });
}
