import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import {
  adminHeaders,
  describeEachAdapter,
  type TestResponse,
  useReceiverApp,
} from '../support/receiver-app';
import { ensureSnippetBuilt } from '../support/snippet-build';

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

const ORIGIN = 'https://shop.example.com';

const expectSecurityHeaders = (res: TestResponse, what: string): void => {
  const headers = Object.fromEntries(
    [
      'x-content-type-options',
      'content-security-policy',
      'x-frame-options',
      'cross-origin-resource-policy',
      'referrer-policy',
      'x-powered-by',
    ].map((name) => [name, res.headers.get(name)]),
  );
  expect({ what, headers }).toEqual({
    what,
    headers: {
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      // Customer sites load the snippet and call the API from their own origin.
      'cross-origin-resource-policy': 'cross-origin',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-powered-by': null,
    },
  });
};

describeEachAdapter('receiver HTTP hygiene', ({ adapter, engine }) => {
  beforeAll(() => ensureSnippetBuilt());
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { allowedOrigins: [ORIGIN] },
    imports: [HostAppModule],
  });

  it('puts nosniff and the security headers on every kind of receiver answer, never X-Powered-By', async () => {
    const http = receiver.http;
    const answers: Array<[string, TestResponse, number]> = [
      ['JSON 200', await http.post('/api/projects/verify.php', { key: 'x' }), 200],
      ['JSON 401', await http.post('/api/projects/create.php', { name: 'x' }), 401],
      ['405', await http.get('/api/projects/create.php'), 405],
      ['admin list', await http.get('/api/projects/list', adminHeaders()), 200],
      ['preflight', await http.request('OPTIONS', '/api/track/pageview.php'), 200],
      ['snippet', await http.get('/snippet/micrologs.js', { Origin: ORIGIN }), 200],
      ['redirect 404 (plain text)', await http.get('/r/no-such-code'), 404],
      ['health', await http.get('/api/health'), 200],
      ['unknown route', await http.get('/api/no-such-route'), 404],
    ];
    for (const [what, res, status] of answers) {
      expect({ what, status: res.status }).toEqual({ what, status });
      expectSecurityHeaders(res, what);
    }
    const snippet = answers.find(([what]) => what === 'snippet')![1];
    expect(snippet.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
  });

  it.each([
    ['GET', '/api/no-such-route'],
    ['POST', '/api/projects/no-such-action'],
    ['DELETE', '/api/does-not-exist.php'],
    ['GET', '/api'],
  ])(
    'answers %s %s, unknown under the prefix, 404 in the envelope with CORS and a request id',
    async (method, path) => {
      const res = await receiver.http.request(method, path, {
        headers: { Origin: ORIGIN, 'X-Request-Id': 'req-404' },
        ...(method === 'GET' ? {} : { body: { anything: true } }),
      });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body).toEqual({ success: false, message: 'Not found' });
      expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(res.headers.get('x-request-id')).toBe('req-404');
    },
  );

  it("leaves the host application's routes under the prefix and its 404s elsewhere alone", async () => {
    const echoed = await receiver.http.post('/api/host-app/echo', { hello: 'world' });
    expect(echoed.status).toBe(200);
    expect(echoed.body).toEqual({ received: { hello: 'world' } });
    const elsewhere = await receiver.http.get('/not-the-receiver');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toMatchObject({ statusCode: 404 });
    expect(elsewhere.body).not.toHaveProperty('success');
  });
});
