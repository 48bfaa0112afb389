import type { ApiEndpointOptions, ApiParam } from '../../openapi/api-docs.decorators';

const NAME: ApiParam = {
  name: 'name',
  description: '1–191 characters of letters, digits, `.`, `_`, `:` or `-`',
};
const FLAG_VIEW = '`{name, description, defaultValue, hosts, rollout}`';

/** OpenAPI descriptions of the flags admin API (project secret key). */
export const FeatureFlagsDocs = {
  list: {
    summary: 'All feature flags of the project',
    auth: 'secret',
    success: { status: 200, description: `\`data\`: \`{count, flags: [${FLAG_VIEW}]}\`` },
  },
  put: {
    summary: 'Create or replace a feature flag',
    description:
      "A host's value: its entry in `hosts`, else `rollout.value` when its stable bucket is under " +
      '`rollout.percent`, else `defaultValue`. Values are any JSON except null.',
    auth: 'secret',
    params: [NAME],
    body: {
      defaultValue: { description: 'Any JSON value except null', required: true },
      description: { type: 'string', description: 'At most 1000 characters' },
      hosts: { type: 'object', description: 'Per-host values `{"<host>": value}`' },
      rollout: { type: 'object', description: '`{percent: 0..100, value}`' },
    },
    success: { status: 200, description: `\`data\`: ${FLAG_VIEW}` },
    errors: { 400: 'Invalid name, body or field', 413: 'Body over 64 KB' },
  },
  delete: {
    summary: 'Delete a feature flag',
    auth: 'secret',
    params: [NAME],
    success: { status: 200, description: '`data`: `{name}`' },
    errors: { 400: 'Invalid name', 404: 'Flag not found' },
  },
} satisfies Record<string, ApiEndpointOptions>;
