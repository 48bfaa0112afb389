import { Logger } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { AUTH_TOKEN_STORE_KEY } from '../../lib/security/security.constants';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { TelemetryHttpClient } from '../../lib/transport/telemetry-http.client';
import { RecordedRequest, RecordingServer } from '../support/recording-server';
import { bootTelemetry, captureWarnings, samplePayload } from './security-fixture';

/** A receiver that hands out numbered tokens and accepts only the ones listed in `valid`. */
function tokenReceiver(server: RecordingServer, valid: Set<string>, tokenStatus = () => 200): void {
  let issued = 0;
  server.respond((request: RecordedRequest) => {
    if (request.path === '/auth/token') {
      const status = tokenStatus();
      if (status !== 200) return { status, body: { error: 'nope' } };
      issued += 1;
      return { body: { token: `token-${issued}` } };
    }
    const auth = String(request.headers.authorization ?? '');
    return valid.has(auth.replace(/^Bearer /, ''))
      ? { status: 202, body: { ok: true } }
      : { status: 401, body: { error: 'unauthorized' } };
  });
}

describe('token URL flow', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule | undefined;

  beforeAll(() => server.start());
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    server.requests.length = 0;
  });
  afterAll(() => server.stop());

  const boot = (store = new MemoryTelemetryStore(100)) =>
    bootTelemetry(
      {
        serverUrl: `${server.url}/api/telemetry`,
        authTokenUrl: `${server.url}/auth/token`,
        authToken: 'static-token-never-used',
      },
      store,
    );

  it('POSTs {host} to the token URL once, caches the token in the store and uses it instead of the static token', async () => {
    tokenReceiver(server, new Set(['token-1']));
    let store;
    ({ moduleRef, store } = await boot());
    const client = moduleRef.get(TelemetryHttpClient);
    expect((await client.postReport(samplePayload)).ok).toBe(true);
    expect((await client.postReport(samplePayload)).ok).toBe(true);
    const tokenRequests = server.on('/auth/token');
    expect(tokenRequests).toHaveLength(1);
    expect(JSON.parse(tokenRequests[0].raw.toString())).toEqual({ host: 'shop-1' });
    expect(tokenRequests[0].headers.authorization).toBeUndefined();
    expect(server.on('/api/telemetry').map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
    ]);
    expect(await store.getValue(AUTH_TOKEN_STORE_KEY)).toBe('token-1');
  });

  it('reuses the token cached in the store after a restart without asking the token URL again', async () => {
    tokenReceiver(server, new Set(['token-1']));
    const store = new MemoryTelemetryStore(100);
    ({ moduleRef } = await boot(store));
    await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    await moduleRef.close();
    ({ moduleRef } = await boot(store));
    expect((await moduleRef.get(TelemetryHttpClient).postReport(samplePayload)).ok).toBe(true);
    expect(server.on('/auth/token')).toHaveLength(1);
  });

  it('on 401 drops the cached token, fetches a new one and retries once with it', async () => {
    const valid = new Set(['token-1']);
    tokenReceiver(server, valid);
    let store;
    ({ moduleRef, store } = await boot());
    const client = moduleRef.get(TelemetryHttpClient);
    await client.postReport(samplePayload);
    // The receiver revokes token-1 and will accept the next one it issues.
    valid.clear();
    valid.add('token-2');
    const result = await client.postReport(samplePayload);
    expect(result.ok).toBe(true);
    expect(server.on('/auth/token')).toHaveLength(2);
    expect(server.on('/api/telemetry').map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
    expect(await store.getValue(AUTH_TOKEN_STORE_KEY)).toBe('token-2');
  });

  it('the flags request gets the same 401 repair: new token, one retry', async () => {
    const valid = new Set(['token-2']);
    let issued = 0;
    server.respond((request) => {
      if (request.path === '/auth/token') return { body: { token: `token-${++issued}` } };
      const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!valid.has(token)) return { status: 401, body: {} };
      return { headers: { etag: '"v1"' }, body: { feature_flags: { beta: true } } };
    });
    ({ moduleRef } = await boot());
    const result = await moduleRef.get(TelemetryHttpClient).getFlags();
    expect(result).toMatchObject({ ok: true, flags: { beta: true }, etag: '"v1"' });
    expect(server.on('/api/telemetry/flags').map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('when the fresh token is refused too, the send fails with 401 after exactly one retry', async () => {
    tokenReceiver(server, new Set());
    const warnings = captureWarnings();
    let result;
    try {
      ({ moduleRef } = await boot());
      result = await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    expect(result).toMatchObject({ ok: false, status: 401 });
    expect(server.on('/api/telemetry')).toHaveLength(2);
    expect(server.on('/auth/token')).toHaveLength(2);
    expect(warnings.messages.some((m) => m.includes('refused the freshly fetched token'))).toBe(
      true,
    );
  });

  it('when the token URL fails, nothing is sent and the failure is reported', async () => {
    tokenReceiver(server, new Set(['token-1']), () => 500);
    const warnings = captureWarnings();
    let result;
    try {
      ({ moduleRef } = await boot());
      result = await moduleRef.get(TelemetryHttpClient).postReport(samplePayload);
    } finally {
      warnings.restore();
    }
    expect(result!.ok).toBe(false);
    expect(result!.error).toContain('HTTP 500');
    expect(server.on('/api/telemetry')).toHaveLength(0);
    expect(warnings.messages).toContain(
      'Exception while fetching auth token: token endpoint answered HTTP 500',
    );
  });

  // The reporter and the flags poller try every minute or so: a failing token URL or a receiver
  // refusing every fresh token is one line when it starts and one when it ends, not two per try.
  it('logs a failing token URL and refused fresh tokens once per streak, and once when they end', async () => {
    let tokenStatus = 500;
    const valid = new Set<string>();
    tokenReceiver(server, valid, () => tokenStatus);
    const warnings = captureWarnings();
    const logs: string[] = [];
    const logSpy = jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation((message: unknown) => void logs.push(String(message)));
    try {
      ({ moduleRef } = await boot());
      const client = moduleRef.get(TelemetryHttpClient);
      for (let i = 0; i < 3; i++) expect((await client.postReport(samplePayload)).ok).toBe(false);
      tokenStatus = 200; // the token URL is back, but the receiver refuses every token it issues
      for (let i = 0; i < 3; i++) {
        expect(await client.postReport(samplePayload)).toMatchObject({ ok: false, status: 401 });
      }
      valid.add('token-4'); // the third refusal's retry fetched token-4
      expect((await client.postReport(samplePayload)).ok).toBe(true);
    } finally {
      warnings.restore();
      logSpy.mockRestore();
    }
    const count = (lines: string[], text: string) => lines.filter((l) => l.includes(text)).length;
    expect(count(warnings.messages, 'Exception while fetching auth token')).toBe(1);
    expect(count(logs, 'The auth token URL answers again')).toBe(1);
    expect(count(logs, 'Clearing cached token and fetching a new one')).toBe(1);
    expect(count(warnings.messages, 'refused the freshly fetched token too')).toBe(1);
    expect(count(logs, 'accepts the auth token again')).toBe(1);
    // 3 failed fetches; then token-1 and one fresh token per refused attempt (token-2 … token-4).
    expect(server.on('/auth/token')).toHaveLength(3 + 4);
  });

  it('warns once about a token URL that keeps answering without a token', async () => {
    server.respond((request) =>
      request.path === '/auth/token' ? { body: {} } : { status: 202, body: {} },
    );
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await boot());
      const client = moduleRef.get(TelemetryHttpClient);
      for (let i = 0; i < 3; i++) expect((await client.postReport(samplePayload)).ok).toBe(true);
    } finally {
      warnings.restore();
    }
    expect(server.on('/auth/token')).toHaveLength(3);
    expect(
      warnings.messages.filter((m) => m === 'Auth endpoint did not return a token.'),
    ).toHaveLength(1);
  });

  it('a token URL answering without a token: warning, and the report goes out without Authorization (contract §7)', async () => {
    server.respond((request) =>
      request.path === '/auth/token' ? { body: {} } : { status: 202, body: {} },
    );
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await boot());
      expect((await moduleRef.get(TelemetryHttpClient).postReport(samplePayload)).ok).toBe(true);
    } finally {
      warnings.restore();
    }
    expect(server.on('/api/telemetry')[0].headers.authorization).toBeUndefined();
    expect(warnings.messages).toContain('Auth endpoint did not return a token.');
  });

  it('reads the token as PHP truthiness does: a numeric token is sent, "0" is no token (contract §7)', async () => {
    for (const [token, expected] of [
      [12345, 'Bearer 12345'],
      ['0', undefined],
    ] as const) {
      server.respond((request) =>
        request.path === '/auth/token' ? { body: { token } } : { status: 202, body: {} },
      );
      const warnings = captureWarnings();
      try {
        ({ moduleRef } = await boot());
        expect((await moduleRef.get(TelemetryHttpClient).postReport(samplePayload)).ok).toBe(true);
      } finally {
        warnings.restore();
        await moduleRef?.close();
        moduleRef = undefined;
      }
      expect(server.on('/api/telemetry').at(-1)!.headers.authorization).toBe(expected);
    }
  });
});
