import type { ApiBodyField, ApiEndpointOptions } from '../openapi/api-docs.decorators';

const ID: ApiBodyField = { type: 'integer', description: 'Project id', required: true };
const NAME_RULE = 'trimmed, non-empty, ≤ 100 bytes';
const DOMAINS_RULE =
  'Non-empty array of ≤ 20 domains; `http(s)://` and trailing `/` are stripped, lower-cased';
const BODY_ERRORS = {
  400: 'Invalid or missing JSON body, or a field breaks its rule',
  413: 'Body over 64 KB',
};

/** Telemetry settings create and edit accept beside the Micrologs fields. */
const TELEMETRY_SETTINGS: Record<string, ApiBodyField> = {
  token_policy: {
    type: 'string',
    enum: ['auto', 'approval'],
    description: 'How hosts obtain bearer tokens (default `auto`)',
  },
  signing_secret: {
    type: 'string',
    description:
      '16–128 characters; when set every telemetry report must be signed; `null` clears it',
  },
  encryption_key: {
    type: 'string',
    description:
      '32 bytes as 64 hex chars, base64 or base64url; enables encrypted reports; `null` clears it',
  },
  cookieless: {
    type: 'boolean',
    description:
      'Cookieless mode (default `false`): visitors are derived daily from a salted hash of IP and user agent, sessions from 30 minutes of inactivity; the snippet stores nothing on the device',
  },
};

/** OpenAPI descriptions of the projects API (contract 2.1), admin key except `verify`. */
export const ProjectsDocs = {
  create: {
    summary: 'Create a project (returns its secret and public keys)',
    auth: 'admin',
    body: {
      name: { type: 'string', description: NAME_RULE, required: true },
      allowed_domains: {
        type: 'array',
        items: 'string',
        description: DOMAINS_RULE,
        required: true,
      },
      ...TELEMETRY_SETTINGS,
    },
    success: {
      status: 200,
      description:
        '`data`: `{id, name, allowed_domains, secret_key, public_key, token_policy, cookieless}` — the secret key is shown only here',
    },
    errors: { ...BODY_ERRORS, 500: 'Failed to create project' },
  },
  list: {
    summary: 'All projects, newest first, with their stats',
    auth: 'admin',
    success: {
      status: 200,
      description:
        '`data`: `{count, projects: [{id, name, public_key, allowed_domains, is_active, token_policy, signed_telemetry, encrypted_telemetry, cookieless, retention, stats, created_at, updated_at}]}`',
    },
    errors: { 500: 'Server error' },
  },
  edit: {
    summary:
      'Rename a project, change its domains, telemetry or privacy settings, or retention periods',
    auth: 'admin',
    body: {
      id: ID,
      name: { type: 'string', description: `New name: ${NAME_RULE}` },
      allowed_domains: { type: 'array', items: 'string', description: DOMAINS_RULE },
      ...TELEMETRY_SETTINGS,
    },
    success: {
      status: 200,
      description:
        '`data`: `{id, name, allowed_domains, is_active, token_policy, cookieless, retention, updated_at}`',
    },
    errors: { ...BODY_ERRORS, 404: 'Project not found', 500: 'Failed to update project' },
  },
  toggle: {
    summary: 'Enable or disable a project (clears its analytics cache)',
    auth: 'admin',
    body: {
      id: ID,
      is_active: {
        type: 'boolean',
        description: 'Wanted state; absent or null flips the current one',
      },
    },
    success: { status: 200, description: '`data`: `{id, name, is_active}`' },
    errors: { ...BODY_ERRORS, 404: 'Project not found', 500: 'Failed to update project' },
  },
  regenerateKeys: {
    summary: 'Rotate the secret and/or public key (old keys stop working at once)',
    auth: 'admin',
    body: {
      id: ID,
      rotate_secret: { type: 'boolean', description: 'Rotate the secret key (default true)' },
      rotate_public: { type: 'boolean', description: 'Rotate the public key (default true)' },
    },
    success: {
      status: 200,
      description: '`data`: `{id, name, secret_key?, public_key?}` — only the rotated keys',
    },
    errors: { ...BODY_ERRORS, 404: 'Project not found', 500: 'Failed to regenerate keys' },
  },
  delete: {
    summary: 'Delete a project and every row of its data',
    auth: 'admin',
    body: {
      id: ID,
      confirm: { type: 'string', description: "The project's exact name", required: true },
    },
    success: { status: 200, description: '`data`: `{id, name}`' },
    errors: {
      ...BODY_ERRORS,
      404: 'Project not found',
      500: 'Failed to delete project',
    },
  },
  verify: {
    summary: 'Check whether a key belongs to an active project (no auth)',
    description: 'Any `X-API-Key` header is ignored.',
    body: { key: { type: 'string', description: 'A secret or public key', required: true } },
    success: {
      status: 200,
      description:
        '`data`: `{valid: false}` or `{valid: true, key_type, project_name, allowed_domains}`',
    },
    errors: { ...BODY_ERRORS, 500: 'Server error' },
  },
} satisfies Record<string, ApiEndpointOptions>;
