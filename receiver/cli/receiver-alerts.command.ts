import type { EnvSource } from '../../lib/protocol';
import { InvalidInputError } from '../common/errors/receiver.errors';
import { AlertsMessages } from '../alerts/alerts.messages';
import { parseNewAlertRule, positiveId } from '../alerts/rules/alert-rule.input';
import { ruleView } from '../alerts/rules/alert-rules.service';
import {
  commandFailed,
  consoleOutput,
  type ReceiverCliOptions,
  type ReceiverCliOutput,
  runOnMigratedDatabase,
  stringOption,
} from './receiver-cli.runner';
import type { ReceiverCliContext } from './receiver-cli.module';

/** The command's options in the shape of the API's create body, so both validate alike. */
function createBody(options: ReceiverCliOptions): Record<string, unknown> {
  const conditions = stringOption(options, 'conditions');
  const cooldown = stringOption(options, 'cooldown');
  let parsed: unknown;
  try {
    parsed = conditions === undefined ? undefined : JSON.parse(conditions);
  } catch {
    throw new InvalidInputError(AlertsMessages.conditionsObject);
  }
  return {
    project_id: stringOption(options, 'project'),
    name: stringOption(options, 'name'),
    kind: stringOption(options, 'kind'),
    url: stringOption(options, 'url'),
    channel: stringOption(options, 'channel'),
    conditions: parsed,
    cooldown_seconds: cooldown === undefined ? undefined : Number(cooldown),
  };
}

const idOption = (options: ReceiverCliOptions, name: string): number => {
  const id = positiveId(stringOption(options, name));
  if (id === undefined) throw new InvalidInputError(`--${name} must be a positive whole number`);
  return id;
};

/**
 * Validates the command's options before the database is opened (a typo costs no connection),
 * then runs `work` on the migrated receiver with what `parse` returned.
 */
function runParsed<T>(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput,
  env: EnvSource,
  parse: () => T,
  work: (receiver: ReceiverCliContext, input: T) => Promise<number>,
): Promise<number> {
  let input: T;
  try {
    input = parse();
  } catch (error) {
    return Promise.resolve(commandFailed(output, error));
  }
  return runOnMigratedDatabase(options, output, env, (receiver) => work(receiver, input));
}

/** `receiver alerts create --project <id> --name … --kind … --url … [--conditions '<json>']`. */
export async function runReceiverAlertsCreate(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runParsed(
    options,
    output,
    env,
    () => parseNewAlertRule(createBody(options)),
    async (receiver, input) => {
      const rule = await receiver.alertRules.create(input);
      output.out(AlertsMessages.created);
      output.out(JSON.stringify(ruleView(rule), null, 2));
      return 0;
    },
  );
}

/** `receiver alerts list --project <id>`: the project's rules as JSON. */
export async function runReceiverAlertsList(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runParsed(
    options,
    output,
    env,
    () => idOption(options, 'project'),
    async (receiver, projectId) => {
      const rules = await receiver.alertRules.list(projectId);
      output.out(JSON.stringify(rules.map(ruleView), null, 2));
      return 0;
    },
  );
}

/** `receiver alerts delete --id <id>`. */
export async function runReceiverAlertsDelete(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runParsed(
    options,
    output,
    env,
    () => idOption(options, 'id'),
    async (receiver, id) => {
      const rule = await receiver.alertRules.delete(id);
      output.out(`${AlertsMessages.deleted}: ${rule.id} (${rule.name})`);
      return 0;
    },
  );
}

/** `receiver alerts test --id <id>`: queues a test message (a running receiver sends it). */
export async function runReceiverAlertsTest(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runParsed(
    options,
    output,
    env,
    () => idOption(options, 'id'),
    async (receiver, id) => {
      const deliveryId = await receiver.alertDeliveries.queueTest(
        await receiver.alertRules.get(id),
      );
      output.out(`${AlertsMessages.testQueued} (delivery ${deliveryId})`);
      return 0;
    },
  );
}

/** `receiver alerts deliveries --project <id> [--rule <id>] [--status …] [--limit <n>]`. */
export async function runReceiverAlertsDeliveries(
  options: ReceiverCliOptions,
  output: ReceiverCliOutput = consoleOutput,
  env: EnvSource = process.env,
): Promise<number> {
  return runOnMigratedDatabase(options, output, env, async (receiver) => {
    const deliveries = await receiver.alertDeliveries.log({
      project: stringOption(options, 'project'),
      rule: stringOption(options, 'rule'),
      status: stringOption(options, 'status'),
      limit: stringOption(options, 'limit'),
    });
    output.out(JSON.stringify(deliveries, null, 2));
    return 0;
  });
}
