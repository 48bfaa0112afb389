import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ReceiverModule } from '../../receiver';
import { setupReceiverOpenApi } from '../../receiver';
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

/** Paths each receiver area must show in the document, by OpenAPI tag. */
const KNOWN_PATHS: Record<string, string[]> = {
  projects: ['create', 'list', 'edit', 'toggle', 'regenerate-keys', 'delete', 'verify'].flatMap(
    (name) => [`/api/projects/${name}.php`, `/api/projects/${name}`],
  ),
  tracking: ['pageview', 'error', 'audit', 'errors-update-status'].flatMap((name) => [
    `/api/track/${name}.php`,
    `/api/track/${name}`,
  ]),
  analytics: [
    '/api/analytics/visitors.php',
    '/api/analytics/errors',
    '/api/analytics/link-detail',
    '/api/analytics/retention.php',
    '/api/analytics/retention',
  ],
  links: [
    '/api/links/create.php',
    '/api/links/detail',
    '/api/redirect.php',
    '/api/redirect',
    '/r/{code}',
  ],
  telemetry: [
    '/api/telemetry',
    '/api/telemetry/auth-token',
    '/api/telemetry/token',
    '/api/telemetry/flags',
  ],
  flags: ['/api/flags', '/api/flags/{name}'],
  hosts: [
    '/api/telemetry/hosts',
    '/api/telemetry/hosts/{host}',
    '/api/telemetry/hosts/{host}/keys/{key}',
    '/api/telemetry/hosts/{host}/approve',
    '/api/telemetry/hosts/{host}/response',
  ],
  health: ['/api/health.php', '/api/health'],
  queue: [
    '/api/queue/dead-letters',
    '/api/queue/dead-letters/{kind}',
    '/api/queue/dead-letters/{kind}/retry',
    '/api/queue/dead-letters/{kind}/{id}',
    '/api/queue/dead-letters/{kind}/{id}/retry',
  ],
  privacy: ['/api/privacy/visitors/{visitorId}', '/api/privacy/audits', '/api/privacy/requests'],
  realtime: ['/api/realtime/tokens', '/api/realtime/events'],
  alerts: [
    '/api/alerts/rules',
    '/api/alerts/rules/{id}',
    '/api/alerts/rules/{id}/test',
    '/api/alerts/deliveries',
  ],
  snippet: ['/snippet/micrologs.js'],
  metrics: ['/metrics'],
  grafana: [
    '/api/grafana',
    ...['metrics', 'metric-payload-options', 'query', 'variable', 'tag-keys', 'tag-values'].map(
      (name) => `/api/grafana/${name}`,
    ),
  ],
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean }[];
  operationId?: string;
  tags?: string[];
}

/** Every operation of the document with its path and method. */
function operations(doc: OpenAPIObject): { path: string; method: string; operation: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
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
    document = setupReceiverOpenApi(app) as unknown as OpenAPIObject;
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

  it('documents every route of every receiver area, each operation with a summary', async () => {
    const res = await running.http.get('/api/docs-json');
    const paths = Object.keys(res.body.paths);
    for (const [area, expected] of Object.entries(KNOWN_PATHS)) {
      const missing = expected.filter((path) => !paths.includes(path));
      expect({ area, missing }).toEqual({ area, missing: [] });
    }
    const unsummarised = operations(res.body)
      .filter(({ operation }) => typeof operation.summary !== 'string' || !operation.summary.trim())
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(unsummarised).toEqual([]);
    const tags = new Set(operations(res.body).flatMap(({ operation }) => operation.tags ?? []));
    expect([...tags].sort()).toEqual(Object.keys(KNOWN_PATHS).sort());
  });

  it('gives every operation a unique operationId, even the any-method redirects', async () => {
    const res = await running.http.get('/api/docs-json');
    const ids = operations(res.body).map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names the credentials each kind of route takes', async () => {
    const res = await running.http.get('/api/docs-json');
    const security = (path: string, method: string) => res.body.paths[path][method].security;
    expect(security('/api/projects/create.php', 'post')).toEqual([{ adminKey: [] }]);
    expect(security('/api/projects/verify.php', 'post')).toBeUndefined();
    expect(security('/api/privacy/visitors/{visitorId}', 'delete')).toEqual([{ adminKey: [] }]);
    expect(security('/api/alerts/rules/{id}', 'patch')).toEqual([{ adminKey: [] }]);
    expect(security('/api/track/pageview.php', 'post')).toEqual([{ publicKey: [] }]);
    expect(security('/api/track/error.php', 'post')).toEqual([
      { secretKey: [] },
      { publicKey: [] },
    ]);
    expect(security('/api/track/errors-update-status.php', 'post')).toEqual([{ secretKey: [] }]);
    expect(security('/api/telemetry', 'post')).toEqual([{ bearerToken: [] }, { secretKey: [] }]);
    expect(security('/api/telemetry/flags', 'get')).toEqual([
      { bearerToken: [] },
      { secretKey: [] },
    ]);
    expect(security('/api/flags/{name}', 'put')).toEqual([{ secretKey: [] }]);
    expect(security('/api/health.php', 'get')).toBeUndefined();
    expect(res.body.components.securitySchemes.bearerToken).toEqual({
      type: 'http',
      scheme: 'bearer',
    });
    expect(res.body.components.securitySchemes.adminKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'X-Admin-Key',
    });
  });

  it('declares every templated path segment as a required path parameter', async () => {
    const res = await running.http.get('/api/docs-json');
    const undeclared = operations(res.body).flatMap(({ path, method, operation }) => {
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path' && p.required)
        .map((p) => p.name);
      return [...path.matchAll(/\{([^}]+)\}/g)]
        .map((match) => match[1])
        .filter((name) => !declared.includes(name))
        .map((name) => `${method.toUpperCase()} ${path}: ${name}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('documents bodies with their required fields, path parameters and answers', async () => {
    const res = await running.http.get('/api/docs-json');
    const body = (path: string, method: string) =>
      res.body.paths[path][method].requestBody.content['application/json'].schema;
    expect(body('/api/projects/create.php', 'post').required).toEqual(['name', 'allowed_domains']);
    expect(body('/api/projects/create.php', 'post').properties.allowed_domains).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    expect(body('/api/track/pageview.php', 'post').required).toEqual([
      'url',
      'visitor_id',
      'session_token',
    ]);
    expect(body('/api/telemetry', 'post').required).toEqual(['host', 'data']);
    expect(body('/api/flags/{name}', 'put').required).toEqual(['defaultValue']);

    const flagPut = res.body.paths['/api/flags/{name}'].put;
    expect(flagPut.parameters).toEqual([
      expect.objectContaining({ name: 'name', in: 'path', required: true }),
    ]);
    const history = res.body.paths['/api/telemetry/hosts/{host}/keys/{key}'].get;
    expect(
      history.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
    ).toEqual(['path:host', 'path:key', 'query:from', 'query:to', 'query:bucket']);
    expect(res.body.paths['/r/{code}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'code', in: 'path', required: true }),
    ]);

    const statuses = (path: string, method: string) =>
      Object.keys(res.body.paths[path][method].responses).sort();
    expect(statuses('/api/track/pageview.php', 'post')).toEqual([
      '202',
      '204',
      '400',
      '401',
      '403',
      '413',
      '429',
    ]);
    expect(statuses('/api/telemetry/flags', 'get')).toEqual([
      '200',
      '304',
      '400',
      '401',
      '403',
      '429',
    ]);
    // Health and the snippet have no rate limit: no 429 is promised there.
    expect(statuses('/api/health.php', 'get')).toEqual(['200', '503']);
    expect(statuses('/snippet/micrologs.js', 'get')).toEqual(['200', '304', '500']);
  });

  it('documents every alerts operation: methods, admin key, bodies, parameters and answers', async () => {
    const res = await running.http.get('/api/docs-json');
    const paths = res.body.paths;
    const methods = (path: string) => Object.keys(paths[path]).sort();
    expect(methods('/api/alerts/rules')).toEqual(['get', 'post']);
    expect(methods('/api/alerts/rules/{id}')).toEqual(['delete', 'get', 'patch']);
    expect(methods('/api/alerts/rules/{id}/test')).toEqual(['post']);
    expect(methods('/api/alerts/deliveries')).toEqual(['get']);
    const create = paths['/api/alerts/rules'].post;
    expect(create.requestBody.content['application/json'].schema.required.sort()).toEqual([
      'kind',
      'name',
      'project_id',
      'url',
    ]);
    expect(create.requestBody.content['application/json'].schema.properties.kind.enum).toEqual([
      'new_error_group',
      'regression',
      'error_threshold',
      'traffic_anomaly',
      'host_stale',
      'telemetry_value',
    ]);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401']));
    expect(Object.keys(paths['/api/alerts/rules/{id}/test'].post.responses)).toContain('202');
    expect(
      paths['/api/alerts/deliveries'].get.parameters.map(
        (p: { name: string; in: string }) => `${p.in}:${p.name}`,
      ),
    ).toEqual(['query:project', 'query:rule', 'query:status', 'query:limit']);
    for (const path of Object.keys(paths).filter((p) => p.startsWith('/api/alerts/'))) {
      for (const method of Object.keys(paths[path])) {
        expect({ path, method, security: paths[path][method].security }).toEqual({
          path,
          method,
          security: [{ adminKey: [] }],
        });
      }
    }
  });

  // Swagger UI on Fastify needs @fastify/static, which this project does not install.
  const uiServed = adapter === 'express' || canResolve('@fastify/static');
  (uiServed ? it : it.skip)('serves the Swagger UI page at /api/docs', async () => {
    const res = await running.http.get('/api/docs');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});
