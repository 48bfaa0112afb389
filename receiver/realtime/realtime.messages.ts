/** Texts of the realtime feeds. */
export const RealtimeMessages = {
  unauthorized:
    'A project secret key (X-API-Key) or a realtime token (Authorization: Bearer, or ?token=) is required',
  invalidCredentials: 'Invalid or expired realtime credentials',
  disabled: 'Realtime feeds are not enabled on this receiver (realtime.enabled)',
  tooManyClients: 'Too many realtime clients on this receiver instance',
  unknownChannel: (name: string) =>
    `Unknown realtime channel "${name}" (visitors, pageviews, errors, alerts, telemetry)`,
  badProject: 'project_id must be the id of an existing project',
  badTtl: (max: number) => `ttl_seconds must be an integer between 10 and ${max}`,
  tokenMinted: 'Realtime token created',
  listening: (path: string) => `Realtime WebSocket endpoint at ${path}`,
  needsWsAdapter:
    'The realtime WebSocket endpoint needs the ws protocol: this application uses another WebSocket adapter (socket.io?). ' +
    'Call app.useWebSocketAdapter(new WsAdapter(app)) from @nestjs/platform-ws before app.listen() (your own gateways then use ws too), ' +
    'or serve the receiver from an application of its own',
  publishFailed: (reason: string) =>
    `Realtime fan-out could not publish to Redis (${reason}); feeds show this process's events only until it can`,
  publishRecovered: "Realtime fan-out publishes to Redis again; feeds show every process's events",
  readFailed: (reason: string) =>
    `Realtime fan-out cannot read from Redis (${reason}); feeds of this instance get what was published meanwhile (up to 30 s back) once it can`,
  readRecovered: 'Realtime fan-out reads from Redis again',
};
