import { TestingModule } from '@nestjs/testing';
import { TelemetryHttpClient } from '../../lib/transport/telemetry-http.client';
import { RecordingServer } from '../support/recording-server';
import { bootTelemetry, captureWarnings, samplePayload } from './security-fixture';

describe('bearer token and custom headers', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule | undefined;

  beforeAll(() => server.start());
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    server.requests.length = 0;
  });
  afterAll(() => server.stop());

  it('sends the static token as Authorization: Bearer on the report', async () => {
    ({ moduleRef } = await bootTelemetry({
      serverUrl: `${server.url}/api/telemetry`,
      authToken: 's3cret',
    }));
    const result = await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    expect(result.ok).toBe(true);
    const [request] = server.on('/api/telemetry');
    expect(request.headers.authorization).toBe('Bearer s3cret');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.raw.toString('utf8'))).toEqual(samplePayload);
  });

  it('sends no Authorization header when no token is configured', async () => {
    ({ moduleRef } = await bootTelemetry({ serverUrl: `${server.url}/api/telemetry` }));
    await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    expect(server.on('/api/telemetry')[0].headers.authorization).toBeUndefined();
  });

  it('adds custom headers but refuses to let them replace Authorization, Content-Type or the signature, with one warning', async () => {
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await bootTelemetry({
        serverUrl: `${server.url}/api/telemetry`,
        authToken: 'real-token',
        signing: { enabled: true, key: 'k' },
        customHeaders: {
          'X-Tenant': 'acme',
          Accept: 'application/vnd.acme+json',
          authorization: 'Bearer forged',
          'Content-Type': 'text/plain',
          'x-telemetry-signature': 'forged',
        },
      }));
      const client = moduleRef.get(TelemetryHttpClient);
      await client.postReport(samplePayload);
      await client.postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    const requests = server.on('/api/telemetry');
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(request.headers['x-tenant']).toBe('acme');
      expect(request.headers.accept).toBe('application/vnd.acme+json');
      expect(request.headers.authorization).toBe('Bearer real-token');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-telemetry-signature']).toMatch(/^[0-9a-f]{64}$/);
    }
    const refusals = warnings.messages.filter((m) => m.includes('customHeaders cannot override'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('authorization, Content-Type, x-telemetry-signature');
  });

  it('ignores custom headers with an invalid name or a value that would inject another header, warning about each', async () => {
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await bootTelemetry({
        serverUrl: `${server.url}/api/telemetry`,
        customHeaders: { 'X-Ok': 'yes', 'Bad Name': 'x', 'X-Inject': 'a\r\nX-Evil: 1' },
      }));
      await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    const [request] = server.on('/api/telemetry');
    expect(request.headers['x-ok']).toBe('yes');
    expect(request.headers['x-inject']).toBeUndefined();
    expect(request.headers['x-evil']).toBeUndefined();
    expect(warnings.messages.filter((m) => m.includes('not a valid header'))).toHaveLength(2);
  });

  it('reads custom headers from TELEMETRY_CUSTOM_HEADERS as a JSON object', async () => {
    process.env.TELEMETRY_CUSTOM_HEADERS = '{"X-Region":"eu-west"}';
    try {
      ({ moduleRef } = await bootTelemetry({ serverUrl: `${server.url}/api/telemetry` }));
    } finally {
      delete process.env.TELEMETRY_CUSTOM_HEADERS;
    }
    await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    expect(server.on('/api/telemetry')[0].headers['x-region']).toBe('eu-west');
  });

  it('warns once when a token would travel over plain HTTP to a remote host, and not when allowed', async () => {
    const warnings = captureWarnings();
    try {
      // 192.0.2.1 (TEST-NET-1) never answers; the warning is about the URL, not the outcome.
      ({ moduleRef } = await bootTelemetry({
        serverUrl: 'http://192.0.2.1:9/api/telemetry',
        authToken: 't',
        requestTimeout: 200,
      }));
      const client = moduleRef.get(TelemetryHttpClient);
      await client.postReport(samplePayload);
      await client.postReport(samplePayload);
      await moduleRef.close();
      ({ moduleRef } = await bootTelemetry({
        serverUrl: 'http://192.0.2.1:9/api/telemetry',
        authToken: 't',
        requestTimeout: 200,
        allowInsecureTransport: true,
      }));
      await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.filter((m) => m.includes('over plain HTTP'))).toHaveLength(1);
  });

  it('does not warn about plain HTTP to loopback', async () => {
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await bootTelemetry({
        serverUrl: `${server.url}/api/telemetry`,
        authToken: 't',
      }));
      await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    expect(warnings.messages.filter((m) => m.includes('over plain HTTP'))).toHaveLength(0);
  });
});
