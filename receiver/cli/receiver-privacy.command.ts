import type { EnvSource } from '../../lib/protocol';
import type { VisitorSubject } from '../privacy/interfaces/personal-data-owner.interface';
import { parseProjectId, parseVisitorSubject } from '../privacy/privacy-input';
import type { PrivacyRequester } from '../privacy/privacy.service';
import { ReceiverCliMessages } from './cli.messages';
import {
  commandFailed,
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnDatabase,
  stringOption,
} from './receiver-cli.runner';

/** The visitor of `--project` and `--visitor`, checked with the API's rules before any database. */
function visitorOf(options: ReceiverCliOptions): VisitorSubject {
  const projectId = parseProjectId(stringOption(options, 'project'));
  return parseVisitorSubject(projectId, stringOption(options, 'visitor'), undefined);
}

const requesterOf = (options: ReceiverCliOptions): PrivacyRequester => ({
  requestedBy: stringOption(options, 'requested-by') ?? '',
  credential: 'cli',
});

/**
 * `nestjs-telemetry receiver export-visitor --project <id> --visitor <id>`: prints everything
 * stored about the visitor as JSON on stdout (the database line goes to stderr, so the output
 * can be redirected to a file), and logs the request as the API does.
 */
export async function runReceiverExportVisitor(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  let subject: VisitorSubject;
  try {
    subject = visitorOf(options);
  } catch (error) {
    return commandFailed(output, error);
  }
  const status: ReceiverCliOutput = { out: output.err, err: output.err };
  return runOnDatabase(options, status, env, async (receiver) => {
    if (await receiver.dataSource.showMigrations()) {
      throw new Error(ReceiverCliMessages.notMigrated);
    }
    const { requestId, rows, data } = await receiver.privacy.export(subject, requesterOf(options));
    const document = {
      request_id: requestId,
      project_id: subject.projectId,
      visitor_id: subject.visitorId,
      rows,
      tables: data,
    };
    output.out(JSON.stringify(document, null, 2));
    return 0;
  });
}

/**
 * `nestjs-telemetry receiver erase-visitor --project <id> --visitor <id>`: deletes everything
 * stored about the visitor (one transaction, counts corrected, request logged) and prints the
 * rows deleted per table.
 */
export async function runReceiverEraseVisitor(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  let subject: VisitorSubject;
  try {
    subject = visitorOf(options);
  } catch (error) {
    return commandFailed(output, error);
  }
  return runOnDatabase(options, output, env, async (receiver) => {
    if (await receiver.dataSource.showMigrations()) {
      throw new Error(ReceiverCliMessages.notMigrated);
    }
    const { requestId, rows } = await receiver.privacy.erase(subject, requesterOf(options));
    output.out(ReceiverCliMessages.erased(requestId));
    for (const [table, count] of Object.entries(rows)) {
      output.out(`${table.padEnd(30)} ${count}`);
    }
    return 0;
  });
}
