import { InvalidInputError } from '../common/errors/receiver.errors';
import { AlertsMessages } from '../alerts/alerts.messages';
import { parseNewAlertRule, positiveId } from '../alerts/rules/alert-rule.input';
import { ruleView } from '../alerts/rules/alert-rules.service';
import { parsedCommand, type ReceiverCliOptions, stringOption } from './receiver-cli.runner';

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

/** `receiver alerts create --project <id> --name … --kind … --url … [--conditions '<json>']`. */
export const runReceiverAlertsCreate = parsedCommand(
  (options) => parseNewAlertRule(createBody(options)),
  async (receiver, input, output) => {
    const rule = await receiver.alertRules.create(input);
    output.out(AlertsMessages.created);
    output.out(JSON.stringify(ruleView(rule), null, 2));
    return 0;
  },
);

/** `receiver alerts list --project <id>`: the project's rules as JSON. */
export const runReceiverAlertsList = parsedCommand(
  (options) => idOption(options, 'project'),
  async (receiver, projectId, output) => {
    const rules = await receiver.alertRules.list(projectId);
    output.out(JSON.stringify(rules.map(ruleView), null, 2));
    return 0;
  },
);

/** `receiver alerts delete --id <id>`. */
export const runReceiverAlertsDelete = parsedCommand(
  (options) => idOption(options, 'id'),
  async (receiver, id, output) => {
    const rule = await receiver.alertRules.delete(id);
    output.out(`${AlertsMessages.deleted}: ${rule.id} (${rule.name})`);
    return 0;
  },
);

/** `receiver alerts test --id <id>`: queues a test message (a running receiver sends it). */
export const runReceiverAlertsTest = parsedCommand(
  (options) => idOption(options, 'id'),
  async (receiver, id, output) => {
    const deliveryId = await receiver.alertDeliveries.queueTest(await receiver.alertRules.get(id));
    output.out(`${AlertsMessages.testQueued} (delivery ${deliveryId})`);
    return 0;
  },
);

/** `receiver alerts deliveries --project <id> [--rule <id>] [--status …] [--limit <n>]`. */
export const runReceiverAlertsDeliveries = parsedCommand(
  (options) => ({
    project: stringOption(options, 'project'),
    rule: stringOption(options, 'rule'),
    status: stringOption(options, 'status'),
    limit: stringOption(options, 'limit'),
  }),
  async (receiver, filter, output) => {
    output.out(JSON.stringify(await receiver.alertDeliveries.log(filter), null, 2));
    return 0;
  },
);
