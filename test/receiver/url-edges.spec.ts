import { describeEachAdapter, useReceiverApp, type TestResponse } from '../support/receiver-app';
import { admin, createProject, secretHeaders } from './telemetry/telemetry-fixtures';

const NOT_FOUND = { success: false, message: 'Not found' };

/** What a client sees of an answer (fetch keeps `%zz` and the path's case as written). */
const seen = (res: TestResponse) => ({
  status: res.status,
  type: res.headers.get('content-type'),
  body: res.body ?? res.text,
});

describeEachAdapter(
  'receiver URLs: malformed escapes, trailing slash and letter case',
  ({ adapter, engine }) => {
    const receiver = useReceiverApp({ adapter, engine });
    let secret: Record<string, string>;
    let code: string;

    beforeAll(async () => {
      const project = await createProject(receiver);
      secret = secretHeaders(project);
      const link = await receiver.http.post(
        '/api/links/create.php',
        { destination_url: 'https://dest.test/page' },
        secret,
      );
      code = link.body.data.code;
    });

    it.each(['/r/%zz', '/r/%E0%A4%A', '/r/ok%'])(
      'answers the short link %s, whose escapes do not decode, as an unknown code: plain-text 404',
      async (path) => {
        const res = await receiver.http.get(path, { 'X-Test-Mode': 'phpunit' });
        expect(seen(res)).toEqual({
          status: 404,
          type: 'text/plain; charset=utf-8',
          body: 'Link not found',
        });
      },
    );

    it.each([
      ['GET', '/api/%zz', {}],
      ['GET', '/api/%E0%A4%A', {}],
      ['GET', '/api/projects/list%zz', admin],
      ['POST', '/api/track/pageview%zz', {}],
      ['POST', '/api/track/%E0%A4%A.php', {}],
    ])(
      'answers %s %s, malformed under the prefix, 404 in the envelope with a request id',
      async (method, path, headers) => {
        const res = await receiver.http.request(method, path, {
          headers: { ...headers, 'X-Request-Id': 'req-bad-url' },
          ...(method === 'POST' && { body: { url: 'https://example.com/' } }),
        });
        expect(seen(res)).toEqual({ status: 404, type: 'application/json', body: NOT_FOUND });
        expect(res.headers.get('x-request-id')).toBe('req-bad-url');
      },
    );

    it('reads a malformed host name in the hosts API as written: 404 naming it, after the key check', async () => {
      const res = await receiver.http.get('/api/telemetry/hosts/%zz/keys/users', secret);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: 'Host "%zz" not found' });
      const anonymous = await receiver.http.get('/api/telemetry/hosts/%zz');
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.success).toBe(false);
    });

    it('serves a Micrologs path whose unreserved characters are percent-escaped as the path itself, through the whole pipeline', async () => {
      // Apache and nginx decode `%2E` before mapping the path to list.php (RFC 3986 6.2.2.2).
      const plain = await receiver.http.get('/api/projects/list.php', admin);
      for (const path of [
        '/api/projects/list%2Ephp',
        '/api/projects/list%2ephp',
        '/api/%70rojects/list.php',
      ]) {
        const escaped = await receiver.http.get(path, admin);
        expect({ path, status: escaped.status, body: escaped.body }).toEqual({
          path,
          status: 200,
          body: plain.body,
        });
      }
      // The front door reads the body itself (no framework parser and its own error shape).
      const empty = await receiver.http.request('POST', '/api/track/audit%2Ephp', {
        raw: '',
        headers: { ...secret, 'Content-Type': 'application/json' },
      });
      expect(seen(empty)).toEqual({
        status: 400,
        type: 'application/json; charset=utf-8',
        body: { success: false, message: 'Invalid or missing JSON body' },
      });
      const preflight = await receiver.http.request('OPTIONS', '/api/track/pageview%2Ephp');
      expect(preflight.status).toBe(200);
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, X-API-Key');
      // An escaped `/` is not a path separator there either: still unknown.
      const slash = await receiver.http.get('/api/projects%2Flist.php', admin);
      expect(seen(slash)).toEqual({ status: 404, type: 'application/json', body: NOT_FOUND });
    });

    it('takes a receiver route with one trailing slash as the route, on both adapters', async () => {
      const follow = await receiver.http.get(`/r/${code}/`, { 'X-Test-Mode': 'phpunit' });
      expect(follow.status).toBe(302);
      expect(follow.headers.get('location')).toBe('https://dest.test/page');
      const list = await receiver.http.get('/api/projects/list.php/', admin);
      expect(list.status).toBe(200);
      expect(list.body.success).toBe(true);
      // A telemetry server_url configured with a trailing slash.
      const report = await receiver.http.post(
        '/api/telemetry/?via=slash',
        { host: 'slash-host', data: { users: 1 } },
        secret,
      );
      expect(report.status).toBe(200);
      expect(report.body).toEqual({ feature_flags: {} });
      // Not a route without its slash either: still the envelope's 404.
      const unknown = await receiver.http.get('/api/nothing-here/', admin);
      expect(seen(unknown)).toEqual({ status: 404, type: 'application/json', body: NOT_FOUND });
    });

    it('matches the Micrologs paths case-sensitively, as written in the contract', async () => {
      const follow = await receiver.http.get(`/r/${code}`, { 'X-Test-Mode': 'phpunit' });
      expect(follow.status).toBe(302);
      // Not a receiver path: the application's own 404, as for any unknown path of it.
      const upper = await receiver.http.get(`/R/${code}`, { 'X-Test-Mode': 'phpunit' });
      expect(upper.status).toBe(404);
      expect(upper.headers.get('location')).toBeNull();
      expect(upper.body).toMatchObject({ statusCode: 404 });

      const pageview = { url: 'https://example.com/', visitor_id: 'v1', session_token: 's1' };
      const underPrefix = await receiver.http.post('/api/track/PAGEVIEW.php', pageview);
      expect(seen(underPrefix)).toEqual({ status: 404, type: 'application/json', body: NOT_FOUND });
      const list = await receiver.http.get('/api/Projects/list.php', admin);
      expect(seen(list)).toEqual({ status: 404, type: 'application/json', body: NOT_FOUND });

      const otherPrefix = await receiver.http.post('/API/track/pageview', pageview);
      expect(otherPrefix.status).toBe(404);
      expect(otherPrefix.body).toMatchObject({ statusCode: 404 });
    });
  },
);
