import type { ApiEndpointOptions } from '../openapi/api-docs.decorators';

/** OpenAPI descriptions of the realtime routes (the WebSocket endpoint is described in the README). */
export const RealtimeDocs = {
  token: {
    summary: 'Mint a short-lived realtime token for one project (for browsers)',
    description:
      'The token opens the WebSocket endpoint (`?token=` or `Authorization: Bearer`) and the SSE stream of one project until it expires. HMAC-signed and stateless: any receiver instance sharing the admin key accepts it.',
    auth: 'admin',
    body: {
      project_id: {
        type: 'integer',
        description: 'Project whose feeds the token opens',
        required: true,
      },
      ttl_seconds: {
        type: 'integer',
        description: 'Lifetime in seconds (10 … `realtime.tokenMaxTtlSeconds`, default 300)',
      },
    },
    success: {
      status: 200,
      description: '`data`: `{token, expires_at, project_id}` (`expires_at` ISO-8601)',
    },
    errors: {
      400: 'Invalid body or ttl_seconds out of range',
      404: 'No such project, or realtime feeds are not enabled',
    },
  },
  events: {
    summary: 'Server-Sent Events stream of a project’s realtime channels',
    description:
      'Each message has `event: <channel>` and `data: {"channel", "data"}`; channels: `visitors` (`{count}`: sessions active in the last 5 minutes, on change, at most once a second), `pageviews`, `errors` (with `newGroup`, `regression`), `alerts`, `telemetry` (`{hostId, host, values, reportedAt}`), `dropped` (`{count}` of messages a slow client missed). The same channels and credentials serve the WebSocket endpoint at `realtime.path` (default `/api/realtime`, not an HTTP operation, so not listed here): each text frame is a JSON array of `{"channel", "data"}` messages, and a refused upgrade gets the same 400/401/503 before the handshake.',
    auth: 'secret',
    query: [
      { name: 'token', description: 'A realtime token (instead of the secret key in `X-API-Key`)' },
      { name: 'channels', description: 'Comma-separated channels (default: all)' },
    ],
    success: { status: 200, description: '`text/event-stream`, open until the client leaves' },
    errors: {
      400: 'Unknown channel',
      401: 'Missing, invalid or expired credentials',
      404: 'Realtime feeds are not enabled',
      503: 'Too many realtime clients on this instance',
    },
  },
} satisfies Record<string, ApiEndpointOptions>;
