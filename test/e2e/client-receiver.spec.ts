import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import {
  FeatureFlagsService,
  FeatureFlagsSynchronizer,
  Telemetry,
  TelemetryCollectionService,
  TelemetryModule,
  TelemetryModuleOptions,
  TelemetryReporter,
} from '../../lib';
import { createReceiverApp, ReceiverApp } from '../support/receiver-app';
import { createIsolatedDatabase, IsolatedDatabase } from '../support/services';
import {
  admin,
  createProject,
  secretHeaders,
  TestProject,
} from '../receiver/telemetry/telemetry-fixtures';

@Injectable()
class Metrics {
  @Telemetry({ key: 'orders', interval: 60 })
  orders() {
    return { count: 12, path: '/var/data', city: 'Zürich 🚀' };
  }
}

describe.each(['fastify', 'express'] as const)(
  'TelemetryModule against ReceiverModule [%s]',
  (adapter) => {
    let db: IsolatedDatabase;
    let receiver: ReceiverApp;
    let project: TestProject;
    const signing = 's'.repeat(8) + randomBytes(8).toString('hex');
    const encryption = randomBytes(32).toString('hex');
    const clients: TestingModule[] = [];

    beforeAll(async () => {
      db = await createIsolatedDatabase('sqlite');
      receiver = await createReceiverApp({ adapter, database: db.options });
      project = await createProject(receiver as never, {
        token_policy: 'auto',
        signing_secret: signing,
        encryption_key: encryption,
      });
      const put = await receiver.http.request('PUT', '/api/flags/new_checkout', {
        body: { defaultValue: false, hosts: { 'shop-1': true } },
        headers: secretHeaders(project),
      });
      if (put.status !== 200) throw new Error(put.text);
    });
    afterAll(async () => {
      for (const c of clients) await c.close();
      await receiver.close();
      await db.drop();
    });

    const boot = async (options: TelemetryModuleOptions) => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          TelemetryModule.forRoot({
            serverUrl: `${receiver.url}/api/telemetry`,
            authTokenUrl: `${receiver.url}/api/telemetry/token?key=${project.secret_key}`,
            store: 'memory',
            manualRegistration: true,
            flagsPollInterval: 0,
            encryptionKey: encryption,
            ...options,
          }),
        ],
        providers: [Metrics],
      }).compile();
      await moduleRef.init();
      clients.push(moduleRef);
      return moduleRef;
    };

    for (const mode of ['compatible', 'timestamped'] as const) {
      it(`reports with token URL, ${mode} signature and encryption; flags arrive with the answer`, async () => {
        const host = mode === 'compatible' ? 'shop-1' : 'shop-2';
        const client = await boot({ host, signing: { enabled: true, key: signing, mode } });
        await client.get(TelemetryCollectionService).collect();
        const outcome = await client.get(TelemetryReporter).sendBacklog();
        expect(outcome).toMatchObject({ status: 'sent', entries: 1 });
        expect(client.get(FeatureFlagsService).isEnabled('new_checkout')).toBe(host === 'shop-1');
        const detail = await receiver.http.get(
          `/api/telemetry/hosts/${host}`,
          secretHeaders(project),
        );
        expect(detail.body.data.values.orders.value ?? detail.body.data.values.orders).toEqual(
          expect.anything(),
        );
        const sync = client.get(FeatureFlagsSynchronizer);
        const first = await sync.syncNow();
        expect(first.ok).toBe(true);
        const second = await sync.syncNow();
        expect(second).toMatchObject({ ok: true, notModified: true });
      });
    }

    it('a base64url encryption key accepted by the client is accepted by the receiver', async () => {
      const key = randomBytes(32).toString('base64url');
      const other = await createProject(receiver as never, { encryption_key: key });
      const client = await boot({
        host: 'shop-url-key',
        encryptionKey: key,
        authTokenUrl: `${receiver.url}/api/telemetry/token?key=${other.secret_key}`,
      });
      await client.get(TelemetryCollectionService).collect();
      const outcome = await client.get(TelemetryReporter).sendBacklog();
      expect(outcome).toMatchObject({ status: 'sent', entries: 1 });
      const detail = await receiver.http.get(
        '/api/telemetry/hosts/shop-url-key',
        secretHeaders(other),
      );
      expect(detail.body.data.values.orders.value).toEqual({
        count: 12,
        path: '/var/data',
        city: 'Zürich 🚀',
      });
    });

    it('a wrong signing key is refused (403) and the value stays in the outbox', async () => {
      const client = await boot({
        host: 'shop-3',
        signing: { enabled: true, key: 'wrong-key-wrong-key' },
      });
      await client.get(TelemetryCollectionService).collect();
      const outcome = await client.get(TelemetryReporter).sendBacklog();
      expect(outcome).toMatchObject({ status: 'failed', remaining: 1 });
      expect((outcome as { result: { status: number } }).result.status).toBe(403);
    });
    void admin;
  },
);
