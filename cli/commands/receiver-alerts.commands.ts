import type { CliCommand, CliOptionSpec } from '../cli-command.interface';

const DATABASE: CliOptionSpec = {
  type: 'string',
  value: '<url>',
  description: 'sqlite:<file>, postgres://… or mysql://… (default: RECEIVER_DATABASE_URL)',
};
const PROJECT: CliOptionSpec = {
  type: 'string',
  value: '<id>',
  description: 'project id',
  required: true,
};
const RULE_ID: CliOptionSpec = {
  type: 'string',
  value: '<id>',
  description: 'alert rule id',
  required: true,
};

// Loaded only when an alerts command runs (as the other receiver commands).
const receiverCli = () => import('../../receiver/cli');

/** `receiver alerts create`: adds an alert rule to a project and prints it with its secret. */
export const receiverAlertsCreateCommand: CliCommand = {
  name: 'receiver alerts create',
  description: 'Create an alert rule (see docs/alerts.md for kinds and conditions)',
  options: {
    project: PROJECT,
    name: { type: 'string', value: '<name>', description: 'rule name', required: true },
    kind: {
      type: 'string',
      value: '<kind>',
      description:
        'new_error_group, regression, error_threshold, traffic_anomaly, host_stale or telemetry_value',
      required: true,
    },
    url: { type: 'string', value: '<url>', description: 'endpoint to POST to', required: true },
    channel: {
      type: 'string',
      value: '<webhook|slack|discord>',
      description: 'message shape (default webhook: signed JSON)',
    },
    conditions: {
      type: 'string',
      value: '<json>',
      description: 'the kind\'s conditions, e.g. \'{"count":50,"window_minutes":5}\'',
    },
    cooldown: {
      type: 'string',
      value: '<seconds>',
      description: 'least seconds between two messages (default 300)',
    },
    database: DATABASE,
  },
  run: async (options, output) => (await receiverCli()).runReceiverAlertsCreate(options, output),
};

/** `receiver alerts list`: a project's alert rules as JSON. */
export const receiverAlertsListCommand: CliCommand = {
  name: 'receiver alerts list',
  description: "Print a project's alert rules as JSON",
  options: { project: PROJECT, database: DATABASE },
  run: async (options, output) => (await receiverCli()).runReceiverAlertsList(options, output),
};

/** `receiver alerts delete`: removes a rule with its firings and delivery log. */
export const receiverAlertsDeleteCommand: CliCommand = {
  name: 'receiver alerts delete',
  description: 'Delete an alert rule with its firings and delivery log',
  options: { id: RULE_ID, database: DATABASE },
  run: async (options, output) => (await receiverCli()).runReceiverAlertsDelete(options, output),
};

/** `receiver alerts test`: queues a test message, sent by the running receivers. */
export const receiverAlertsTestCommand: CliCommand = {
  name: 'receiver alerts test',
  description: "Queue a test message to a rule's endpoint (a running receiver sends it)",
  options: { id: RULE_ID, database: DATABASE },
  run: async (options, output) => (await receiverCli()).runReceiverAlertsTest(options, output),
};

/** `receiver alerts deliveries`: the delivery log as JSON. */
export const receiverAlertsDeliveriesCommand: CliCommand = {
  name: 'receiver alerts deliveries',
  description: "Print a project's alert delivery log as JSON, newest first",
  options: {
    project: PROJECT,
    rule: { type: 'string', value: '<id>', description: 'only this rule' },
    status: {
      type: 'string',
      value: '<pending|delivered|failed>',
      description: 'only this status',
    },
    limit: { type: 'string', value: '<n>', description: 'at most this many (default 100)' },
    database: DATABASE,
  },
  run: async (options, output) =>
    (await receiverCli()).runReceiverAlertsDeliveries(options, output),
};

/** Every alerts command, in help order. */
export const RECEIVER_ALERTS_COMMANDS: CliCommand[] = [
  receiverAlertsCreateCommand,
  receiverAlertsListCommand,
  receiverAlertsDeleteCommand,
  receiverAlertsTestCommand,
  receiverAlertsDeliveriesCommand,
];
