/**
 * The two sample apps together over real HTTP: the sample client (TelemetryModule, signed
 * timestamped reports, flags poller) reports to the sample server (ReceiverModule on SQLite), and
 * a flag changed through the flags API reaches the client's FeatureFlagsService.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { FeatureFlagsService } from '../../lib';
import { AppModule as ClientModule } from '../../sample-app/client/app.module';
import { RECEIVER_FASTIFY_OPTIONS } from '../../receiver';
import { TEST_ADMIN_KEY, TEST_IP_SALT, TestHttp } from '../support/receiver-app';

/** Polls `probe` until it returns a truthy value (20 s at most). */
async function eventually<T>(probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sample client reporting to the sample server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-e2e-'));
  const saved = { ...process.env };
  let server: INestApplication;
  let client: INestApplication | undefined;
  let http: TestHttp;
  let secret: string;

  beforeAll(async () => {
    Object.assign(process.env, {
      RECEIVER_DATABASE_URL: `sqlite:${join(dir, 'receiver.sqlite')}`,
      RECEIVER_ADMIN_KEY: TEST_ADMIN_KEY,
      RECEIVER_IP_HASH_SALT: TEST_IP_SALT,
    });
    const { AppModule: ServerModule } = await import('../../sample-app/server/app.module');
    server = await NestFactory.create(
      ServerModule,
      new FastifyAdapter({ ...RECEIVER_FASTIFY_OPTIONS }),
      {
        logger: false,
      },
    );
    await server.listen(0, '127.0.0.1');
    const { port } = server.getHttpServer().address() as { port: number };
    http = new TestHttp(`http://127.0.0.1:${port}`);
    const signing = 'e2e-signing-secret-0123456789';
    const created = await http.post(
      '/api/projects/create',
      { name: 'E2E', allowed_domains: ['localhost'], signing_secret: signing },
      { 'X-Admin-Key': TEST_ADMIN_KEY },
    );
    secret = created.body.data.secret_key;
    await http.put('/api/flags/welcome_banner', { defaultValue: false }, { 'X-API-Key': secret });
    Object.assign(process.env, {
      TELEMETRY_SERVER_URL: `${http.baseUrl}/api/telemetry`,
      TELEMETRY_HOST: 'e2e-client',
      TELEMETRY_STORE: 'memory',
      TELEMETRY_CUSTOM_HEADERS: JSON.stringify({ 'X-API-Key': secret }),
      TELEMETRY_SIGNING_ENABLED: 'true',
      TELEMETRY_SIGNING_KEY: signing,
      TELEMETRY_SIGNING_MODE: 'timestamped',
      TELEMETRY_DEFAULT_INTERVAL: '1',
      TELEMETRY_REPORT_INTERVAL: '1',
      TELEMETRY_FLAGS_POLL_INTERVAL: '1',
      TELEMETRY_ALLOW_INSECURE_TRANSPORT: 'true',
    });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the signed reports and delivers a flag change to FeatureFlagsService', async () => {
    client = await NestFactory.create(ClientModule, { logger: false });
    await client.listen(0, '127.0.0.1');

    const values = await eventually(async () => {
      const res = await http.get('/api/telemetry/hosts/e2e-client', { 'X-API-Key': secret });
      return res.status === 200 && res.body.data.values.registered_users
        ? res.body.data.values
        : null;
    });
    expect(values).toHaveProperty('registered_users');

    const flags = client.get(FeatureFlagsService);
    await eventually(async () => flags.getAll().welcome_banner === false);
    await http.put('/api/flags/welcome_banner', { defaultValue: true }, { 'X-API-Key': secret });
    expect(await eventually(async () => flags.isEnabled('welcome_banner'))).toBe(true);
  });
});
