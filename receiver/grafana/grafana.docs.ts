import type { ApiEndpointOptions } from '../openapi/api-docs.decorators';

const json = (description: string): ApiEndpointOptions['success'] => ({ status: 200, description });

/** OpenAPI of the Grafana JSON datasource routes. */
export const GRAFANA_DOCS = {
  health: {
    summary: 'Grafana datasource health check ("Save & test")',
    auth: 'secret',
    success: json('Envelope: the datasource is reachable and the key valid'),
  },
  metrics: {
    summary: "Metric list with each metric's payload options",
    auth: 'secret',
    body: { metric: { type: 'string', description: 'Metric being edited (ignored)' } },
    success: json('[{label, value, payloads:[{label, name, type, options?}]}]'),
  },
  payloadOptions: {
    summary: 'Options of one payload field of a metric',
    auth: 'secret',
    body: {
      metric: { type: 'string', description: 'Metric', required: true },
      name: {
        type: 'string',
        description: 'Payload field: host, key, group, code…',
        required: true,
      },
      payload: { type: 'object', description: 'Current payload (key options follow payload.host)' },
    },
    success: json('[{label, value}]'),
    errors: { 400: 'Unknown payload field' },
  },
  query: {
    summary: 'Time series and tables for a panel',
    description:
      'Each target → `{target, datapoints:[[value, epochMs]]}` or `{type:"table", columns, rows}`. ' +
      'Analytics series: one point per local day of the receiver time zone; telemetry: the ' +
      'stored samples, averaged per intervalMs bucket beyond maxDataPoints.',
    auth: 'secret',
    body: {
      range: { type: 'object', description: '{from, to} ISO 8601 instants', required: true },
      intervalMs: { type: 'integer', description: 'Bucket width Grafana suggests' },
      maxDataPoints: { type: 'integer', description: 'Most points per series' },
      targets: {
        type: 'array',
        items: 'object',
        description: '[{refId, target: metric, payload}]',
        required: true,
      },
    },
    success: json('Array of series and tables, one per visible target'),
    errors: { 400: 'Bad range, unknown metric or missing payload' },
  },
  variable: {
    summary: 'Values of a dashboard variable',
    auth: 'secret',
    body: { payload: { type: 'object', description: '{target: metrics|host|key|group|code}' } },
    success: json('[{__text, __value}]'),
    errors: { 400: 'Unknown variable target' },
  },
  tagKeys: {
    summary: 'Ad hoc filter keys (none)',
    auth: 'secret',
    success: json('[]'),
  },
  tagValues: {
    summary: 'Ad hoc filter values (none)',
    auth: 'secret',
    body: { key: { type: 'string', description: 'Tag key' } },
    success: json('[]'),
  },
} satisfies Record<string, ApiEndpointOptions>;
