import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ReceiverModule } from '../../receiver';
import { setupReceiverOpenApi } from '../../receiver/openapi';
import {
  describeEachAdapter,
  TEST_ADMIN_KEY,
  TEST_IP_SALT,
  TestHttp,
} from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';

function canResolve(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

describeEachAdapter('OpenAPI document', ({ adapter }) => {
  let db: IsolatedDatabase;
  let app: INestApplication;
  let running: { http: TestHttp };
  let document: OpenAPIObject;
  beforeAll(async () => {
    db = await createIsolatedDatabase('sqlite');
    const root = ReceiverModule.forRoot({
      adminKey: TEST_ADMIN_KEY,
      ipHashSalt: TEST_IP_SALT,
      production: false,
      database: db.options,
    });
    app = await NestFactory.create(
      root,
      adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
      { logger: false },
    );
    // The document is set up between create() and listen(), as an application would.
    document = setupReceiverOpenApi(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    running = { http: new TestHttp(`http://127.0.0.1:${port}`) };
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('serves the document at /api/docs-json, generated from the controllers', async () => {
    const res = await running.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(document)));
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/api/analytics/visitors.php',
      '/api/analytics/link-detail',
      '/api/links/create.php',
      '/api/redirect.php',
      '/r/{code}',
      '/api/projects/create.php',
      '/api/track/pageview.php',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('documents the analytics parameters and the secret-key security', async () => {
    const res = await running.http.get('/api/docs-json');
    const op = res.body.paths['/api/analytics/pages.php'].get;
    expect(op.security).toEqual([{ secretKey: [] }]);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['range', 'from', 'to', 'format', 'list', 'limit']),
    );
    expect(res.body.components.securitySchemes.secretKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
    });
  });

  // Swagger UI on Fastify needs @fastify/static, which this project does not install.
  const uiServed = adapter === 'express' || canResolve('@fastify/static');
  (uiServed ? it : it.skip)('serves the Swagger UI page at /api/docs', async () => {
    const res = await running.http.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});
