import { MAX_ERROR_OCCURRENCES } from '../../lib/protocol';
import type { ApiBodyField, ApiEndpointOptions } from '../openapi/api-docs.decorators';

const QUEUED = {
  status: 202,
  description: '`data`: `{queued: true}` — stored by the ingest queue',
};
const BODY_ERRORS = { 400: 'Invalid or missing JSON body', 413: 'Body over 64 KB' };
const CONTEXT: ApiBodyField = {
  description: 'JSON object or array, kept when its compact JSON is ≤ 8 KB (else dropped)',
};

/** OpenAPI descriptions of the tracking endpoints (contract 2.2). */
export const TrackingDocs = {
  pageview: {
    summary: 'Record a pageview (the browser snippet)',
    description:
      'Public key with the domain lock. UTM values are read from `url`; bots are answered 204 and nothing is stored. In cookieless mode (project setting, or `cookieless: true`) only `url` is required, the visitor is derived from a daily salt, IP and user agent, and the answer is `{queued: true, cookieless: true}`. With `respectPrivacySignals`, a request with `Sec-GPC: 1` or `DNT: 1` gets the same 202 and nothing is stored.',
    auth: 'public',
    body: {
      url: { type: 'string', description: 'Page URL, ≤ 2048 bytes', required: true },
      page_title: { type: 'string', description: '≤ 512 bytes' },
      referrer: { type: 'string', description: '≤ 2048 bytes; categorised' },
      visitor_id: {
        type: 'string',
        description: '≤ 256 bytes; only its SHA-256 is kept (ignored in cookieless mode)',
        required: true,
      },
      fingerprint: { type: 'string', description: 'Truncated to 256 bytes, then hashed' },
      session_token: { type: 'string', description: '≤ 64 bytes', required: true },
      screen_resolution: { type: 'string', description: '≤ 20 bytes' },
      timezone: { type: 'string', description: '≤ 100 bytes' },
      cookieless: {
        type: 'boolean',
        description:
          '`true`: cookieless mode for this pageview (visitor_id, session_token and fingerprint are not needed and ignored)',
      },
    },
    success: QUEUED,
    responses: { 204: 'Bot user agent: nothing stored, empty body' },
    errors: {
      ...BODY_ERRORS,
      400: 'Invalid body, or url, visitor_id or session_token missing or too long',
      403: 'Domain not allowed for this key',
    },
  },
  error: {
    summary: 'Record an error event (grouped by fingerprint)',
    description:
      'Secret key (servers) or public key with the domain lock (browsers). No bot filter.',
    auth: 'either',
    body: {
      message: { type: 'string', description: '≤ 1024 bytes', required: true },
      error_type: { type: 'string', description: '≤ 100 bytes (default `Unknown`)' },
      file: { type: 'string', description: '≤ 512 bytes' },
      line: { type: 'integer', description: 'Line number' },
      stack: { type: 'string', description: '≤ 65 535 bytes' },
      url: { type: 'string', description: '≤ 2048 bytes' },
      severity: {
        type: 'string',
        enum: ['info', 'warning', 'error', 'critical'],
        description: 'Anything else becomes `error`',
      },
      environment: {
        type: 'string',
        enum: ['production', 'staging', 'development'],
        description: 'Anything else becomes `production`',
      },
      context: CONTEXT,
      occurrences: {
        type: 'integer',
        description: `Extension: repeats this report stands for (a coalesced burst), 1 to ${MAX_ERROR_OCCURRENCES}; default 1. Counted with the secret key only (1 with the public key)`,
      },
    },
    success: QUEUED,
    errors: {
      ...BODY_ERRORS,
      400: 'Invalid body, message missing or too long, or occurrences not an integer in range',
    },
  },
  audit: {
    summary: 'Record an audit event',
    auth: 'either',
    body: {
      action: { type: 'string', description: '≤ 100 bytes, e.g. `user.login`', required: true },
      actor: { type: 'string', description: '≤ 255 bytes' },
      context: CONTEXT,
    },
    success: QUEUED,
    errors: {
      ...BODY_ERRORS,
      400: 'Invalid body, or action missing or too long',
    },
  },
  updateStatus: {
    summary: 'Set the status of error groups',
    auth: 'secret',
    body: {
      status: {
        type: 'string',
        enum: ['open', 'investigating', 'resolved', 'ignored'],
        description: 'New status',
        required: true,
      },
      ids: { type: 'array', items: 'integer', description: '1–100 group ids (wins over `id`)' },
      id: { type: 'integer', description: 'One group id, when `ids` is absent' },
    },
    success: {
      status: 200,
      description: '`data`: `{updated, ids, status, not_found?}` (`updated` counts real changes)',
    },
    errors: {
      ...BODY_ERRORS,
      400: 'Invalid body, status, or ids (none valid, or more than 100)',
      404: 'No matching error groups found for this project',
      500: 'Failed to update error status',
    },
  },
} satisfies Record<string, ApiEndpointOptions>;
