import { gunzipSync } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  Telemetry,
  TelemetryCollectionService,
  TelemetryModule,
  TelemetryReporter,
  type OutboxEntryInput,
  type TelemetryModuleOptions,
} from '../../lib';
import { TelemetryOutbox } from '../../lib/outbox/telemetry-outbox.service';
import { RecordingServer } from '../support/recording-server';
import { createReceiverApp, type ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';
import { TapProxy, type TappedExchange } from '../support/tap-proxy';
import {
  createProject,
  secretHeaders,
  type TestProject,
} from '../receiver/telemetry/telemetry-fixtures';

const KEYS = ['cpu', 'memory', 'queue'];

/** `rounds` collection rounds of one second each, ending a minute ago, for `host`. */
function backlog(
  host: string,
  rounds: number,
  value: (r: number, k: number) => unknown = (r, k) => r * 10 + k,
) {
  const start = Math.floor(Date.now() / 1000) - 60 - rounds;
  const entries: OutboxEntryInput[] = [];
  for (let r = 0; r < rounds; r++) {
    KEYS.forEach((key, k) =>
      entries.push({
        key,
        value: value(r, k),
        collectedAt: new Date((start + r) * 1000).toISOString(),
        host,
      }),
    );
  }
  return entries;
}

/** The report requests of a tap, with their bodies decoded (gunzipped when compressed). */
function reports(exchanges: TappedExchange[]) {
  return exchanges
    .filter((e) => e.method === 'POST' && e.path === '/api/telemetry')
    .map((e) => {
      const gzip = e.headers['content-encoding'] === 'gzip';
      const body = JSON.parse((gzip ? gunzipSync(e.body) : e.body).toString('utf8'));
      return { exchange: e, gzip, body };
    });
}

@Injectable()
class TypedMetrics {
  @Telemetry({ key: 'http_requests', interval: 60, type: 'counter', unit: 'requests' })
  requests() {
    return 1234;
  }
  @Telemetry({ key: 'heap', interval: 60, unit: 'bytes' })
  heap() {
    return 5_000_000;
  }
  @Telemetry({ key: 'load', interval: 60 })
  load() {
    return 0.5;
  }
  @Telemetry({ key: 'release', interval: 60 })
  release() {
    return 'v1.0.0';
  }
}

describe.each(['fastify', 'express'] as const)(
  'catch-up against ReceiverModule [%s]',
  (adapter) => {
    let db: IsolatedDatabase;
    let receiver: ReceiverApp;
    let project: TestProject;
    let proxy: TapProxy;
    let proxyUrl: string;
    const signing = `catch-up-signing-${adapter}-0123456789`;
    const clients: TestingModule[] = [];

    beforeAll(async () => {
      db = await createIsolatedDatabase('sqlite');
      receiver = await createReceiverApp({ adapter, database: db.options });
      project = await createProject(receiver as never, {
        token_policy: 'auto',
        signing_secret: signing,
      });
    });
    afterAll(async () => {
      await receiver.close();
      await db.drop();
    });
    beforeEach(async () => {
      proxy = new TapProxy(receiver.url);
      proxyUrl = await proxy.start();
    });
    afterEach(async () => {
      for (const client of clients.splice(0)) await client.close();
      await proxy.stop();
    });

    const boot = async (host: string, options: TelemetryModuleOptions = {}) => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          TelemetryModule.forRoot({
            serverUrl: `${proxyUrl}/api/telemetry`,
            authTokenUrl: `${receiver.url}/api/telemetry/token?key=${project.secret_key}`,
            host,
            store: 'memory',
            manualRegistration: true,
            flagsPollInterval: 0,
            maxOutboxEntries: 100_000,
            signing: { enabled: true, key: signing, mode: 'timestamped' },
            ...options,
          }),
        ],
        providers: [TypedMetrics],
      }).compile();
      await moduleRef.init();
      clients.push(moduleRef);
      return moduleRef;
    };

    const history = async (host: string, key: string) => {
      const res = await receiver.http.get(
        `/api/telemetry/hosts/${host}/keys/${key}?from=2000-01-01`,
        secretHeaders(project),
      );
      return res.body.data.points.map((p: { value: unknown }) => p.value);
    };

    it('sends a backlog in signed, gzip-compressed batches once the receiver says it takes them; each round is stored once', async () => {
      const client = await boot('catch-up-1');
      await client.get(TelemetryOutbox).add(backlog('catch-up-1', 1_200));
      const outcome = await client.get(TelemetryReporter).sendBacklog();
      expect(outcome).toMatchObject({
        status: 'sent',
        payloads: 1_200,
        entries: 3_600,
        remaining: 0,
      });

      const sent = reports(proxy.exchanges);
      // The first round goes alone, as to any receiver; its answer announces batches.
      expect(sent[0].gzip).toBe(false);
      expect(Object.keys(sent[0].body)).toEqual(['host', 'timestamp', 'data']);
      expect(sent[0].exchange.answerHeaders?.['x-telemetry-accept-batch']).toBe('500');
      const batches = sent.slice(1);
      expect(batches.length).toBeGreaterThanOrEqual(3);
      expect(batches.length).toBeLessThanOrEqual(12);
      for (const { exchange, gzip, body } of batches) {
        expect(gzip).toBe(true);
        expect(exchange.status).toBe(200);
        expect(exchange.headers['x-telemetry-signature']).toMatch(/^[0-9a-f]{64}$/);
        expect(exchange.headers['x-telemetry-timestamp']).toMatch(/^\d+$/);
        expect(body.rounds.length).toBeLessThanOrEqual(500);
        for (const round of body.rounds)
          expect(Object.keys(round)).toEqual(['host', 'timestamp', 'data']);
      }
      expect(batches.reduce((n, { body }) => n + body.rounds.length, 0)).toBe(1_199);

      const cpu = await history('catch-up-1', 'cpu');
      expect(cpu).toEqual(Array.from({ length: 1_200 }, (_, r) => r * 10));
    });

    it('sets a round the receiver refuses aside as a dead letter and acknowledges the others of its batch, stored once', async () => {
      const client = await boot('catch-up-2');
      // Round 7's queue value is larger than the receiver accepts (16 KB): that round is refused.
      const huge = 'x'.repeat(20_000);
      await client
        .get(TelemetryOutbox)
        .add(backlog('catch-up-2', 40, (r, k) => (r === 7 && k === 2 ? huge : r * 10 + k)));
      const reporter = client.get(TelemetryReporter);
      const first = await reporter.sendBacklog();
      expect(first).toMatchObject({ status: 'sent', deadLettered: 1, remaining: 0 });
      const letters = await reporter.deadLetters.list();
      expect(letters.map((e) => e.value)).toEqual([70, 71, huge]);
      expect(letters[0]).toMatchObject({ status: 422, reason: expect.stringContaining('16') });
      const cpu = await history('catch-up-2', 'cpu');
      expect(cpu).toEqual(Array.from({ length: 40 }, (_, r) => r * 10).filter((v) => v !== 70));
    });

    it('sets a single payload the receiver refuses (a value over 16 KB, 400) aside and sends the next ones in the same run', async () => {
      const client = await boot('catch-up-4');
      const huge = 'y'.repeat(20_000);
      await client
        .get(TelemetryOutbox)
        .add(backlog('catch-up-4', 3, (r, k) => (r === 0 && k === 1 ? huge : r * 10 + k)));
      const reporter = client.get(TelemetryReporter);
      const outcome = await reporter.sendBacklog();
      expect(outcome).toMatchObject({ status: 'sent', payloads: 2, deadLettered: 1, remaining: 0 });
      const [letter] = await reporter.deadLetters.list();
      expect(letter).toMatchObject({ key: 'cpu', value: 0, status: 400 });
      expect(await history('catch-up-4', 'cpu')).toEqual([10, 20]);
    });

    it('sends a batch again when its answer is lost, without storing any round twice', async () => {
      const client = await boot('catch-up-3');
      await client.get(TelemetryOutbox).add(backlog('catch-up-3', 900));
      proxy.dropAnswers.add(3); // the second batch is stored, but the client never hears it
      const reporter = client.get(TelemetryReporter);
      const first = await reporter.sendBacklog();
      expect(first).toMatchObject({ status: 'failed' });
      expect(first.remaining).toBeGreaterThan(0);
      expect(await reporter.sendBacklog()).toMatchObject({ status: 'sent', remaining: 0 });
      expect(proxy.exchanges[2].status).toBe(200); // the dropped answer was a success
      const memory = await history('catch-up-3', 'memory');
      expect(memory).toEqual(Array.from({ length: 900 }, (_, r) => r * 10 + 1));
    });

    it('stores declared types and units with the latest values and shows them in the hosts API', async () => {
      const client = await boot('typed-1');
      await client.get(TelemetryCollectionService).collect();
      expect(await client.get(TelemetryReporter).sendBacklog()).toMatchObject({ status: 'sent' });
      const [sent] = reports(proxy.exchanges);
      expect(sent.body.metadata).toEqual({
        http_requests: { type: 'counter', unit: 'requests' },
        heap: { unit: 'bytes' },
      });
      const detail = await receiver.http.get(
        '/api/telemetry/hosts/typed-1',
        secretHeaders(project),
      );
      expect(detail.body.data.values).toMatchObject({
        http_requests: { value: 1234, type: 'counter', type_declared: true, unit: 'requests' },
        heap: { value: 5_000_000, type: 'gauge', type_declared: false, unit: 'bytes' },
        load: { value: 0.5, type: 'gauge', type_declared: false, unit: null },
        release: { value: 'v1.0.0', type: 'info', type_declared: false, unit: null },
      });
    });
  },
);

describe('catch-up against a receiver that knows nothing of batches', () => {
  let server: RecordingServer;
  let client: TestingModule;

  beforeEach(async () => {
    server = new RecordingServer();
    await server.start();
  });
  afterEach(async () => {
    await client?.close();
    await server.stop();
  });

  it('sends one plain, uncompressed payload per round, as laravel-telemetry-reporter does', async () => {
    client = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({
          serverUrl: `${server.url}/telemetry`,
          host: 'plain-1',
          store: 'memory',
          manualRegistration: true,
          flagsPollInterval: 0,
          signing: { enabled: true, key: 'plain-secret' },
        }),
      ],
      providers: [TypedMetrics],
    }).compile();
    await client.init();
    await client.get(TelemetryOutbox).add(backlog('plain-1', 25));
    const outcome = await client.get(TelemetryReporter).sendBacklog();
    expect(outcome).toMatchObject({ status: 'sent', payloads: 25, entries: 75 });
    const posts = server.on('/telemetry');
    expect(posts).toHaveLength(25);
    for (const post of posts) {
      expect(post.headers['content-encoding']).toBeUndefined();
      expect(Object.keys(JSON.parse(post.raw.toString('utf8')))).toEqual([
        'host',
        'timestamp',
        'data',
      ]);
    }
  });

  it('carries typed values as an extra top-level field beside unchanged data', async () => {
    client = await Test.createTestingModule({
      imports: [
        TelemetryModule.forRoot({
          serverUrl: `${server.url}/telemetry`,
          host: 'plain-2',
          store: 'memory',
          manualRegistration: true,
          flagsPollInterval: 0,
        }),
      ],
      providers: [TypedMetrics],
    }).compile();
    await client.init();
    await client.get(TelemetryCollectionService).collect();
    await client.get(TelemetryReporter).sendBacklog();
    const body = JSON.parse(server.on('/telemetry')[0].raw.toString('utf8'));
    expect(body.data).toEqual({
      http_requests: 1234,
      heap: 5_000_000,
      load: 0.5,
      release: 'v1.0.0',
    });
    expect(body.metadata).toEqual({
      http_requests: { type: 'counter', unit: 'requests' },
      heap: { unit: 'bytes' },
    });
  });
});
