import type { ApiBodyField, ApiEndpointOptions, ApiParam } from '../openapi/api-docs.decorators';
import { ALERT_CHANNELS, ALERT_RULE_KINDS } from './alerts.constants';

const ID: ApiParam = { name: 'id', description: 'Alert rule id' };
const BODY_ERRORS = {
  400: 'Invalid or missing JSON body, or a field breaks its rule',
  413: 'Body over 64 KB',
};
const RULE_VIEW =
  '`{id, project_id, name, kind, conditions, channel, url, secret, cooldown_seconds, is_active, created_at, updated_at}`';

const CONDITIONS =
  'Per kind — `new_error_group`, `regression`: `{severity?}`; `error_threshold`: ' +
  '`{count, window_minutes, group_id?, severity?}`; `traffic_anomaly`: `{direction: spike|drop, ' +
  'percent, weeks? (4), min_pageviews? (10)}`; `host_stale`: `{minutes, host?}`; ' +
  '`telemetry_value`: `{key, comparison: > >= < <= == !=, value, for_minutes? (0), host?}`';

/** Rule fields an edit may change (create takes them too). */
const EDITABLE: Record<string, ApiBodyField> = {
  name: { type: 'string', description: '1–100 characters' },
  conditions: { type: 'object', description: CONDITIONS },
  channel: {
    type: 'string',
    enum: ALERT_CHANNELS,
    description:
      '`webhook` (signed JSON, default), `slack` or `discord` (their incoming-webhook shapes)',
  },
  url: { type: 'string', description: 'The http(s) endpoint (a Slack or Discord webhook URL)' },
  cooldown_seconds: {
    type: 'integer',
    description:
      'Least seconds between two messages of the rule (0–86400, default 300); firings meanwhile are grouped into the next message',
  },
  is_active: { type: 'boolean', description: 'Evaluated and delivered (default true)' },
};

/** OpenAPI descriptions of the alerts API (admin key). */
export const AlertsDocs = {
  create: {
    summary: 'Create an alert rule (returns its signing secret)',
    auth: 'admin',
    body: {
      project_id: { type: 'integer', description: 'Project id', required: true },
      kind: {
        type: 'string',
        enum: ALERT_RULE_KINDS,
        description: 'What the rule watches',
        required: true,
      },
      ...EDITABLE,
      name: { ...EDITABLE.name, required: true },
      url: { ...EDITABLE.url, required: true },
    },
    success: { status: 201, description: `\`data\`: ${RULE_VIEW}` },
    errors: { ...BODY_ERRORS, 404: 'Project not found' },
  },
  list: {
    summary: "A project's alert rules",
    auth: 'admin',
    query: [{ name: 'project', description: 'Project id', required: true }],
    success: { status: 200, description: `\`data\`: \`{count, rules: [${RULE_VIEW}]}\`` },
    errors: { 400: 'Missing or invalid project', 404: 'Project not found' },
  },
  get: {
    summary: 'One alert rule',
    auth: 'admin',
    params: [ID],
    success: { status: 200, description: `\`data\`: ${RULE_VIEW}` },
    errors: { 400: 'Invalid id', 404: 'Alert rule not found' },
  },
  edit: {
    summary: 'Change an alert rule (only the fields given; the kind is fixed)',
    auth: 'admin',
    params: [ID],
    body: EDITABLE,
    success: { status: 200, description: `\`data\`: ${RULE_VIEW}` },
    errors: { ...BODY_ERRORS, 404: 'Alert rule not found' },
  },
  delete: {
    summary: 'Delete an alert rule with its firings and delivery log',
    auth: 'admin',
    params: [ID],
    success: { status: 200, description: '`data`: `{id, name}`' },
    errors: { 400: 'Invalid id', 404: 'Alert rule not found' },
  },
  test: {
    summary: "Queue a test message to the rule's endpoint",
    description:
      'Sent like an alert (signed, retried), without cooldown; see it in the delivery log with `kind: test`.',
    auth: 'admin',
    params: [ID],
    success: { status: 202, description: '`data`: `{delivery_id}`' },
    errors: { 400: 'Invalid id', 404: 'Alert rule not found' },
  },
  deliveries: {
    summary: "A project's alert delivery log, newest first",
    auth: 'admin',
    query: [
      { name: 'project', description: 'Project id', required: true },
      { name: 'rule', description: 'Only this rule' },
      { name: 'status', description: 'Only this status', enum: ['pending', 'delivered', 'failed'] },
      { name: 'limit', description: 'At most this many (1–500, default 100)' },
    ],
    success: {
      status: 200,
      description:
        '`data`: `{count, deliveries: [{id, rule_id, kind, status, firing_count, attempts, response_status, last_error, next_attempt_at, created_at, delivered_at, payload}]}`',
    },
    errors: { 400: 'Invalid parameter', 404: 'Project not found' },
  },
} satisfies Record<string, ApiEndpointOptions>;
