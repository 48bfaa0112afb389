import type { ApiEndpointOptions, ApiParam } from '../../openapi/api-docs.decorators';

const HOST: ApiParam = { name: 'host', description: 'Host name as reported' };
const NOT_FOUND = { 404: 'Host not found' };
const HOST_VIEW =
  '`{host, status, first_seen, last_seen, report_count, interval_seconds, stale, response_extras}`';

/** OpenAPI descriptions of the hosts API (project secret key). */
export const TelemetryHostsDocs = {
  list: {
    summary: 'Reporting hosts with their activity and staleness',
    auth: 'secret',
    success: { status: 200, description: `\`data\`: \`{count, hosts: [${HOST_VIEW}]}\`` },
  },
  detail: {
    summary: 'One host with the latest value of every key',
    auth: 'secret',
    params: [HOST],
    success: {
      status: 200,
      description:
        '`data`: the host plus `values: {key: {value, type, type_declared, unit, collected_at, received_at}}` (`type`: the declared gauge, counter or info, else gauge for a number and info for the rest)',
    },
    errors: NOT_FOUND,
  },
  history: {
    summary: 'History of one key of a host, raw or bucketed',
    auth: 'secret',
    params: [HOST, { name: 'key', description: 'Report key' }],
    query: [
      {
        name: 'from',
        description: 'ISO-8601 instant or `YYYY-MM-DD` (default: 24 h, or 30 days for `day`)',
      },
      { name: 'to', description: 'ISO-8601 instant or `YYYY-MM-DD` (default: now)' },
      { name: 'bucket', description: 'Default `raw`', enum: ['raw', 'hour', 'day'] },
    ],
    success: {
      status: 200,
      description:
        '`data.points`: `[{collected_at, value}]` (raw) or `[{bucket, count, last, min?, avg?, max?}]`',
    },
    errors: { 400: 'Invalid bucket or range', ...NOT_FOUND },
  },
  approve: {
    summary: 'Approve a pending host (it may then obtain a token)',
    auth: 'secret',
    params: [HOST],
    success: { status: 200, description: `\`data\`: ${HOST_VIEW}` },
    errors: NOT_FOUND,
  },
  delete: {
    summary: 'Delete a host, its history and its tokens',
    auth: 'secret',
    params: [HOST],
    success: { status: 200, description: '`data`: `{host}`' },
    errors: NOT_FOUND,
  },
  setResponse: {
    summary: 'Set the extra keys answered to a host (e.g. maintenance_mode)',
    description:
      'The body is the whole object of extras, at most 16 KB encoded; `feature_flags` is reserved.',
    auth: 'secret',
    params: [HOST],
    body: {},
    success: { status: 200, description: `\`data\`: ${HOST_VIEW}` },
    errors: { 400: 'Not a JSON object, too large, or holds feature_flags', ...NOT_FOUND },
  },
} satisfies Record<string, ApiEndpointOptions>;
