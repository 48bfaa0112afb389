import type { ApiEndpointOptions, ApiParam } from '../openapi/api-docs.decorators';

const SIGNATURE_HEADERS: ApiParam[] = [
  {
    name: 'X-Telemetry-Signature',
    description:
      'Required when the project has a `signing_secret`: hex HMAC-SHA256 of the body, or of `<timestamp>.<body>` with X-Telemetry-Timestamp',
  },
  {
    name: 'X-Telemetry-Timestamp',
    description: 'Unix seconds within ±300 s of the server clock (timestamped signatures)',
  },
];
const SIGNATURE_ERRORS = {
  403: 'Signature missing, invalid, out of its time window or replayed; or a token used for another host',
};

/** OpenAPI descriptions of the endpoints TelemetryModule and laravel-telemetry-reporter call. */
export const TelemetryDocs = {
  report: {
    summary: 'Store a telemetry report; answers the flags and extras of the host',
    description:
      'Each sample is stored once per (host, key, timestamp), so retries never double count. ' +
      'Encrypted bodies (`X-Telemetry-Encryption: aes-256-gcm`) are `{iv, tag, ciphertext}` in base64. ' +
      'An optional top-level `metadata: {key: {type, unit}}` declares value types (gauge, counter, info). ' +
      'A body `{rounds: [report, ...]}` (at most 500, as the answer header `X-Telemetry-Accept-Batch` says) ' +
      'is a catch-up batch: the answer adds `stored` (indexes of the rounds stored) and `refused` ' +
      '(`{index, error}` of invalid rounds). `Content-Encoding: gzip` is accepted; the signature covers the bytes sent.',
    auth: 'telemetry',
    headers: [
      ...SIGNATURE_HEADERS,
      {
        name: 'X-Telemetry-Encryption',
        description: 'The body is an AES-256-GCM envelope (project `encryption_key`)',
        enum: ['aes-256-gcm'],
      },
      {
        name: 'Content-Encoding',
        description: 'gzip: the body is compressed (after encryption; signed as compressed)',
        enum: ['gzip'],
      },
    ],
    body: {
      host: { type: 'string', description: 'Reporting host, 1–191 characters', required: true },
      timestamp: {
        description: 'ISO-8601 date-time or unix seconds, at most one hour ahead (default: now)',
      },
      data: {
        type: 'object',
        description: '1–500 keys of 1–191 characters; each value any JSON up to 16 KB',
        required: true,
      },
    },
    success: {
      status: 200,
      description:
        '`{feature_flags: {…}, …response extras}` (not an envelope); `feature_flags` is left out ' +
        'when the flags cannot be read after the report was stored (the client keeps its flags)',
    },
    errors: {
      400: 'Invalid payload (the message names the field) or undecryptable envelope',
      ...SIGNATURE_ERRORS,
      413: 'Body over 64 KB',
    },
  },
  token: {
    summary: 'Issue a bearer token to a host',
    description:
      "Secret key, or public key when the project's `token_policy` is `approval` (then the host " +
      'waits, 403, until it is approved). Also at `/api/telemetry/token`.',
    auth: 'either',
    query: [{ name: 'key', description: 'The project key, for clients that cannot send headers' }],
    body: { host: { type: 'string', description: 'Host name, 1–191 characters', required: true } },
    success: { status: 200, description: '`{success: true, message, token}`' },
    errors: {
      400: 'host missing or invalid',
      403: 'Host pending approval, or a public key on a project without approval',
    },
  },
  flags: {
    summary: 'Feature flags resolved for one host',
    description: 'A token reads its own host (then `host` may be omitted). Signed like reports.',
    auth: 'telemetry',
    query: [{ name: 'host', description: 'Host name (required with the secret key)' }],
    headers: [
      ...SIGNATURE_HEADERS,
      { name: 'If-None-Match', description: 'ETag of a previous answer' },
    ],
    success: { status: 200, description: '`{feature_flags: {…}}` with a weak `ETag`' },
    responses: { 304: 'Flags unchanged since the ETag sent in If-None-Match' },
    errors: { 400: 'host missing or invalid', ...SIGNATURE_ERRORS },
  },
} satisfies Record<string, ApiEndpointOptions>;
