import { Injectable } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryReporter,
  TelemetryStore,
} from '../../lib';
import { MemoryTelemetryStore } from '../../lib/outbox/stores/memory.store';
import { TelemetryHttpClient } from '../../lib/transport/telemetry-http.client';
import { startTelemetryApp } from '../client/fixtures/telemetry-app.fixture';
import { bootTelemetry, captureWarnings, samplePayload } from '../client-security/security-fixture';

const REQUEST_TIMEOUT_MS = 1_000;
/** One request timeout, plus room for a busy machine. */
const BOUND_MS = REQUEST_TIMEOUT_MS + 2_000;

@Injectable()
class Inventory {
  @Telemetry({ key: 'user_count' })
  users(): number {
    return 42;
  }
}

type Behaviour = 'trickle' | 'endless' | 'normal';

/**
 * The central server (or the token URL) hangs mid-answer: it sends its headers, then a byte now
 * and then and never ends (a stuck proxy, a half-dead server), or it streams an answer without
 * end. `requestTimeout` bounds the whole request, not just the silences between bytes, and the
 * client reads a bounded answer: the send fails in time, the backlog stays in the outbox, the
 * host app's memory does not grow without bound, and the next send after the server recovered
 * delivers.
 */
describe('central server hanging mid-answer', () => {
  let server: Server;
  let base: string;
  let behaviour: Behaviour = 'trickle';
  let moduleRef: TestingModule | undefined;

  const misbehave = (res: ServerResponse, how: Behaviour): void => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (how === 'trickle') {
      const timer = setInterval(() => res.write(' '), 200);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const chunk = Buffer.alloc(1 << 20, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const how = req.url?.startsWith('/token') ? 'trickle' : behaviour;
        if (how === 'normal') return void res.writeHead(202).end('{}');
        misbehave(res, how);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** The promise's value, or `'still waiting'` once `ms` passed. */
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([
      promise,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms)),
    ]);

  it('fails a report the server trickles within requestTimeout, keeps the backlog, and delivers once it answers', async () => {
    behaviour = 'trickle';
    const store = new MemoryTelemetryStore(10_000);
    moduleRef = await startTelemetryApp([Inventory], {
      serverUrl: `${base}/api/telemetry`,
      host: 'shop-1',
      manualRegistration: true,
      requestTimeout: REQUEST_TIMEOUT_MS,
      store: store as TelemetryStore,
    });
    await moduleRef.get(TelemetryCollectionService).collect();
    const started = Date.now();
    const outcome = await within(moduleRef.get(TelemetryReporter).sendBacklog(), 8_000);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(outcome).toMatchObject({
      status: 'failed',
      remaining: 1,
      result: { ok: false, error: `no complete answer within ${REQUEST_TIMEOUT_MS} ms` },
    });
    behaviour = 'normal';
    expect(await moduleRef.get(TelemetryReporter).sendBacklog()).toMatchObject({
      status: 'sent',
      entries: 1,
      remaining: 0,
    });
  }, 20_000);

  it('stops reading an answer that never ends, instead of buffering it', async () => {
    behaviour = 'endless';
    ({ moduleRef } = await bootTelemetry({
      serverUrl: `${base}/api/telemetry`,
      requestTimeout: 5_000,
    }));
    const rssBefore = process.memoryUsage().rss;
    const result = await within(
      moduleRef.get(TelemetryHttpClient).postReport(samplePayload),
      8_000,
    );
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/answer exceeded/) });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  }, 20_000);

  it('fails a token fetch the token URL trickles within requestTimeout', async () => {
    behaviour = 'normal';
    const warnings = captureWarnings();
    try {
      ({ moduleRef } = await bootTelemetry({
        serverUrl: `${base}/api/telemetry`,
        authTokenUrl: `${base}/token`,
        requestTimeout: REQUEST_TIMEOUT_MS,
      }));
      const started = Date.now();
      const result = await within(
        moduleRef.get(TelemetryHttpClient).postReport(samplePayload),
        8_000,
      );
      expect(Date.now() - started).toBeLessThan(BOUND_MS);
      expect(result).toMatchObject({
        ok: false,
        error: expect.stringMatching(`no complete answer within ${REQUEST_TIMEOUT_MS} ms`),
      });
    } finally {
      warnings.restore();
    }
  }, 20_000);
});
