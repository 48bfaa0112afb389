import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Redis } from 'ioredis';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { Module } from '@nestjs/common';
import {
  adminHeaders,
  adminHeaders as adminHeadersOf,
  createReceiverApp,
  describeEachAdapter,
  type ReceiverApp,
  useReceiverApp,
} from '../support/receiver-app';
import { createIsolatedDatabase, type IsolatedDatabase } from '../support/services';

@Controller('api/host-app')
class HostAppController {
  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }
}

@Module({ controllers: [HostAppController] })
class HostAppModule {}

/** A GET with a JSON body (fetch refuses to send one; some HTTP clients and monitors do). */
function getWithBody(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'GET',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ORIGIN = 'https://shop.example.com';
const CREATE = '/api/projects/create.php';
const VERIFY = '/api/projects/verify.php';

describeEachAdapter('request pipeline', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { allowedOrigins: [ORIGIN, 'http://localhost:3000'], trustedProxies: ['127.0.0.0/8'] },
    imports: [HostAppModule],
  });

  describe('CORS (1.7)', () => {
    it('echoes an allowed origin exactly, with Vary: Origin and the fixed headers', async () => {
      const res = await receiver.http.post(VERIFY, { key: 'x' }, { Origin: ORIGIN });
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(res.headers.get('vary')).toBe('Origin');
      expect(res.headers.get('access-control-allow-methods')).toBe(
        'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      );
      expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type, X-API-Key');
      expect(res.headers.get('access-control-max-age')).toBe('86400');
    });

    it('does not echo an origin that differs in case or is not listed', async () => {
      for (const origin of ['https://SHOP.example.com', 'https://evil.example', 'null']) {
        const res = await receiver.http.post(VERIFY, { key: 'x' }, { Origin: origin });
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
        expect(res.headers.get('access-control-allow-methods')).not.toBeNull();
      }
    });

    it('puts the CORS headers on error responses too (405, 401)', async () => {
      const notAllowed = await receiver.http.get(CREATE, { Origin: ORIGIN });
      const unauthorized = await receiver.http.post(CREATE, { name: 'x' }, { Origin: ORIGIN });
      for (const res of [notAllowed, unauthorized]) {
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      }
    });

    it('answers OPTIONS 200 with an empty body on known and unknown receiver paths', async () => {
      for (const path of [CREATE, '/api/does-not-exist.php', '/api/projects/list']) {
        const res = await receiver.http.request('OPTIONS', path, {
          headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST' },
        });
        expect(res.status).toBe(200);
        expect(res.text).toBe('');
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      }
    });
  });

  describe('method check (step 2)', () => {
    it('answers 405 with the envelope for a wrong method, before auth', async () => {
      const res = await receiver.http.get(CREATE);
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ success: false, message: 'Method not allowed' });
    });

    it('answers 405 for HEAD and PUT on a GET/POST route, and on the path without .php', async () => {
      expect((await receiver.http.request('HEAD', '/api/projects/list.php')).status).toBe(405);
      expect((await receiver.http.request('PUT', '/api/projects/create')).status).toBe(405);
    });
  });

  describe('body handling (1.5)', () => {
    // The test hook keeps create's limit of 5 per minute out of these checks.
    const adminHeaders = (extra: Record<string, string> = {}) =>
      adminHeadersOf({ 'X-Test-Mode': 'phpunit', ...extra });
    const valid = { name: 'Body test', allowed_domains: ['example.com'] };

    it('accepts a body of exactly 65 536 bytes whatever the content type', async () => {
      const base = JSON.stringify({ ...valid, pad: '' });
      const raw = JSON.stringify({ ...valid, pad: 'x'.repeat(65_536 - base.length) });
      expect(Buffer.byteLength(raw)).toBe(65_536);
      const res = await receiver.http.request('POST', CREATE, {
        raw,
        headers: adminHeaders({ 'Content-Type': 'text/plain' }),
      });
      expect(res.status).toBe(200);
      expect(res.body.data.name).toBe('Body test');
    });

    it('answers 413 Payload too large for 65 537 bytes', async () => {
      const res = await receiver.http.request('POST', CREATE, {
        raw: 'x'.repeat(65_537),
        headers: adminHeaders({ 'Content-Type': 'application/json' }),
      });
      expect(res.status).toBe(413);
      expect(res.body).toEqual({ success: false, message: 'Payload too large' });
    });

    it('lets a failed admin check win over an oversized body (401 before 413)', async () => {
      const res = await receiver.http.request('POST', CREATE, { raw: 'x'.repeat(200_000) });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, message: 'Unauthorized' });
    });

    it.each([
      ['empty', ''],
      ['invalid', '{"name":'],
      ['a scalar', '42'],
      ['null', 'null'],
      ['an empty object', '{}'],
      ['an empty array', '[]'],
    ])('answers 400 Invalid or missing JSON body for %s', async (_label, raw) => {
      const res = await receiver.http.request('POST', CREATE, {
        raw,
        headers: adminHeaders({ 'Content-Type': 'application/json' }),
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: 'Invalid or missing JSON body' });
      expect(res.body).not.toHaveProperty('data');
    });

    it.each([
      ['/api/health.php', 200],
      ['/api/redirect.php?c=unknown', 404],
      ['/api/projects/list.php', 401],
    ])('ignores the body of a GET to %s, as PHP never reads it', async (path, status) => {
      for (const body of ['{"name":', 'x'.repeat(200_000)]) {
        const res = await getWithBody(receiver.url + path, body);
        expect({ body: body.length, status: res.status }).toEqual({ body: body.length, status });
        expect(res.text).not.toContain('statusCode');
      }
    });

    it('leaves host application routes, even under /api, and their JSON parsing untouched', async () => {
      const res = await receiver.http.post('/api/host-app/echo', { hello: 'world' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ received: { hello: 'world' } });
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    });
  });

  it("answers an unexpected failure with 500 and the envelope, never Nest's own shape", async () => {
    // A storage outage on a receiver of its own: its database connection goes away.
    const db = await createIsolatedDatabase(engine);
    const failing = await createReceiverApp({ adapter, database: db.options });
    try {
      await failing.app.get<DataSource>(RECEIVER_DATA_SOURCE, { strict: false }).destroy();
      const res = await failing.http.get('/api/projects/list.php', {
        ...adminHeaders(),
        'X-Request-Id': 'req-500',
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ success: false, message: 'Server error' });
      expect(res.headers.get('x-request-id')).toBe('req-500');
    } finally {
      await failing.close();
      await db.drop();
    }
  });

  describe('request id', () => {
    it('echoes a valid X-Request-Id and generates one otherwise', async () => {
      const echoed = await receiver.http.post(VERIFY, { key: 'k' }, { 'X-Request-Id': 'req-123' });
      expect(echoed.headers.get('x-request-id')).toBe('req-123');
      const generated = await receiver.http.post(
        VERIFY,
        { key: 'k' },
        { 'X-Request-Id': 'bad id!' },
      );
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('rate limiting (1.8)', () => {
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });

    it('lets 20 verify calls through, blocks the 21st, then keeps refusing', async () => {
      const ip = '203.0.113.7';
      for (let i = 0; i < 20; i++) {
        expect((await receiver.http.post(VERIFY, { key: 'k' }, from(ip))).status).toBe(200);
      }
      const blocked = await receiver.http.post(VERIFY, { key: 'k' }, from(ip));
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ error: 'Too many attempts. You are temporarily blocked.' });
      const again = await receiver.http.post(VERIFY, { key: 'k' }, from(ip));
      expect(again.status).toBe(429);
      expect(again.body).toEqual({ error: 'Too many attempts. Try again later.' });
      expect(again.headers.get('access-control-allow-methods')).not.toBeNull();
    });

    it('counts per IP (trusted proxy) and per endpoint', async () => {
      const ip = '203.0.113.8';
      for (let i = 0; i < 21; i++) await receiver.http.post(VERIFY, { key: 'k' }, from(ip));
      expect((await receiver.http.post(VERIFY, { key: 'k' }, from('203.0.113.9'))).status).toBe(
        200,
      );
      const other = await receiver.http.get('/api/projects/list.php', adminHeaders(from(ip)));
      expect(other.status).toBe(200);
    });

    it('does not count requests rejected by the method check', async () => {
      const ip = '203.0.113.10';
      for (let i = 0; i < 25; i++) await receiver.http.get(VERIFY, from(ip));
      expect((await receiver.http.post(VERIFY, { key: 'k' }, from(ip))).status).toBe(200);
    });

    it('is skipped with X-Test-Mode: phpunit outside production', async () => {
      const ip = '203.0.113.11';
      const headers = { ...from(ip), 'X-Test-Mode': 'phpunit' };
      for (let i = 0; i < 25; i++) {
        expect((await receiver.http.post(VERIFY, { key: 'k' }, headers)).status).toBe(200);
      }
    });
  });
});

describeEachAdapter('request pipeline in production', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine, options: { production: true } });

  it('ignores X-Test-Mode: the 21st verify call is still blocked', async () => {
    const headers = { 'X-Test-Mode': 'phpunit' };
    for (let i = 0; i < 20; i++) await receiver.http.post(VERIFY, { key: 'k' }, headers);
    expect((await receiver.http.post(VERIFY, { key: 'k' }, headers)).status).toBe(429);
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    // Blocked above as 127.0.0.1: a forged forwarded address does not escape the block.
    const res = await receiver.http.post(
      VERIFY,
      { key: 'k' },
      { 'X-Forwarded-For': '198.51.100.1' },
    );
    expect(res.status).toBe(429);
  });
});

describe('request pipeline with Redis rate limits', () => {
  const url = process.env.TEST_REDIS_URL;
  const maybe = url ? it : it.skip;
  let database: IsolatedDatabase;
  const apps: ReceiverApp[] = [];

  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.drop();
  });

  maybe('shares counters and blocks between two receiver instances', async () => {
    database = await createIsolatedDatabase('sqlite');
    const options = { redis: url, redisPrefix: `test:rl:${Date.now()}:` };
    for (const adapter of ['fastify', 'express'] as const) {
      apps.push(await createReceiverApp({ adapter, database: database.options, options }));
    }
    const [a, b] = apps;
    for (let i = 0; i < 10; i++) await a.http.post(VERIFY, { key: 'k' });
    for (let i = 0; i < 10; i++) await b.http.post(VERIFY, { key: 'k' });
    const blocked = await a.http.post(VERIFY, { key: 'k' });
    expect(blocked.status).toBe(429);
    expect((await b.http.post(VERIFY, { key: 'k' })).body).toEqual({
      error: 'Too many attempts. Try again later.',
    });
  });

  maybe(
    "keys a block as the original does, so an operator's unblock of `<ip>_<endpoint>` works",
    async () => {
      const db = await createIsolatedDatabase('sqlite');
      const redisPrefix = `test:rlkey:${Date.now()}:`;
      const app = await createReceiverApp({
        adapter: 'express',
        database: db.options,
        options: { redis: url, redisPrefix },
      });
      const redis = new Redis(url as string);
      try {
        for (let i = 0; i < 21; i++) await app.http.post(VERIFY, { key: 'k' });
        // rateLimitOrBlock(getClientIp() . "_project_verify", …) hashes the identifier with SHA-256.
        const hash = createHash('sha256').update('127.0.0.1_project_verify').digest('hex');
        expect(await redis.exists(`${redisPrefix}rl:block:${hash}`)).toBe(1);
        await redis.del(`${redisPrefix}rl:block:${hash}`);
        expect((await app.http.post(VERIFY, { key: 'k' })).status).toBe(200);
      } finally {
        redis.disconnect();
        await app.close();
        await db.drop();
      }
    },
  );

  it('fails open when Redis is unreachable', async () => {
    const db = await createIsolatedDatabase('sqlite');
    const app = await createReceiverApp({
      adapter: 'fastify',
      database: db.options,
      options: { redis: 'redis://127.0.0.1:1' },
    });
    try {
      for (let i = 0; i < 22; i++) {
        expect((await app.http.post(VERIFY, { key: 'k' })).status).toBe(200);
      }
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
