import type { EnvSource } from '../../lib/protocol';
import type { VisitorSubject } from '../privacy/interfaces/personal-data-owner.interface';
import { parseProjectId, parseVisitorSubject } from '../privacy/privacy-input';
import type { PrivacyRequester } from '../privacy/privacy.service';
import { ReceiverCliMessages } from './cli.messages';
import type { ReceiverCliContext } from './receiver-cli.module';
import {
  commandFailed,
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratedDatabase,
  stringOption,
} from './receiver-cli.runner';

/** One privacy request on the visitor the options name, by the requester they name. */
type VisitorRequest = (
  receiver: ReceiverCliContext,
  subject: VisitorSubject,
  requester: PrivacyRequester,
) => Promise<number>;

/**
 * What both privacy commands share: the visitor of `--project` and `--visitor`, checked with the
 * API's rules before any database is touched; the requester (`--requested-by`, logged with the
 * request as the API logs its caller); then `request` on the migrated database. `status` receives
 * the database line.
 */
function runVisitorRequest(
  options: ReceiverCliOptions,
  status: ReceiverCliOutput,
  env: EnvSource,
  request: VisitorRequest,
): Promise<number> {
  let subject: VisitorSubject;
  try {
    const projectId = parseProjectId(stringOption(options, 'project'));
    subject = parseVisitorSubject(projectId, stringOption(options, 'visitor'), undefined);
  } catch (error) {
    return Promise.resolve(commandFailed(status, error));
  }
  const requester: PrivacyRequester = {
    requestedBy: stringOption(options, 'requested-by') ?? '',
    credential: 'cli',
  };
  return runOnMigratedDatabase(options, status, env, (receiver) =>
    request(receiver, subject, requester),
  );
}

/**
 * `nestjs-telemetry receiver export-visitor --project <id> --visitor <id>`: prints everything
 * stored about the visitor as JSON on stdout (the database line goes to stderr, so the output
 * can be redirected to a file), and logs the request as the API does.
 */
export function runReceiverExportVisitor(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  const status: ReceiverCliOutput = { out: output.err, err: output.err };
  return runVisitorRequest(options, status, env, async (receiver, subject, requester) => {
    const { requestId, rows, data } = await receiver.privacy.export(subject, requester);
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
export function runReceiverEraseVisitor(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runVisitorRequest(options, output, env, async (receiver, subject, requester) => {
    const { requestId, rows } = await receiver.privacy.erase(subject, requester);
    output.out(ReceiverCliMessages.erased(requestId));
    for (const [table, count] of Object.entries(rows)) {
      output.out(`${table.padEnd(30)} ${count}`);
    }
    return 0;
  });
}
