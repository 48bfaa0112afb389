import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { browserHeaders, createProject, pageviewBody } from './tracking-fixtures';

/** A backend calling with the secret key: no Origin, no browser user agent. */
const serverHeaders = (key: string) => ({ 'X-API-Key': key, 'User-Agent': 'node' });

describeEachAdapter('rate limits of the tracking endpoints', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { rateLimit: { secretKey: { limit: 100 }, perIp: { pageview: 3 } } },
  });

  it('blocks the 61st browser audit of a minute with 429 while other tracking endpoints keep their own count', async () => {
    const project = await createProject(receiver.app);
    const headers = browserHeaders(project.publicKey);
    for (let i = 0; i < 60; i++) {
      const res = await receiver.http.post('/api/track/audit.php', { action: `a${i}` }, headers);
      expect(res.status).toBe(202);
    }
    const blocked = await receiver.http.post('/api/track/audit.php', { action: 'x' }, headers);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      error: 'Too many attempts. You are temporarily blocked.',
    });
    const error = await receiver.http.post('/api/track/error.php', { message: 'still' }, headers);
    expect(error.status).toBe(202);
  });

  it('counts a backend with the secret key per project: more than 60 errors a minute from one IP pass, up to its own limit', async () => {
    const project = await createProject(receiver.app);
    const other = await createProject(receiver.app);
    const send = (key: string, headers = serverHeaders(key)) =>
      receiver.http.post('/api/track/error.php', { message: 'backend failure' }, headers);
    for (let i = 0; i < 100; i++) expect((await send(project.secretKey)).status).toBe(202);
    const blocked = await send(project.secretKey);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ error: 'Too many attempts. You are temporarily blocked.' });
    // Another project from the same IP has its own budget; the browser count of the IP is apart.
    expect((await send(other.secretKey)).status).toBe(202);
    expect((await send(project.publicKey, browserHeaders(project.publicKey))).status).toBe(202);
  });

  it('applies a per-IP limit changed by the options (pageview: 3)', async () => {
    const project = await createProject(receiver.app);
    const headers = browserHeaders(project.publicKey);
    for (let i = 0; i < 3; i++) {
      const res = await receiver.http.post('/api/track/pageview.php', pageviewBody(), headers);
      expect(res.status).toBe(202);
    }
    const blocked = await receiver.http.post('/api/track/pageview.php', pageviewBody(), headers);
    expect(blocked.status).toBe(429);
  });
});

describe('rate limit options', () => {
  const base = { adminKey: 'a', ipHashSalt: 's' };

  it("keep the contract's values by default", () => {
    expect(resolveReceiverOptions(base, {}).rateLimits).toEqual({
      windowSeconds: 60,
      blockSeconds: 900,
      perIp: {},
      secretKey: { limit: 1200, blockSeconds: 60 },
    });
  });

  it('are read from RECEIVER_RATE_LIMIT* variables', () => {
    const options = resolveReceiverOptions(base, {
      RECEIVER_RATE_LIMIT_WINDOW_SECONDS: '30',
      RECEIVER_RATE_LIMIT_BLOCK_SECONDS: '120',
      RECEIVER_RATE_LIMITS: 'errors=120, pageview=0',
      RECEIVER_RATE_LIMIT_SECRET_KEY: '5000',
      RECEIVER_RATE_LIMIT_SECRET_KEY_BLOCK_SECONDS: '10',
    });
    expect(options.rateLimits).toEqual({
      windowSeconds: 30,
      blockSeconds: 120,
      perIp: { errors: 120, pageview: 0 },
      secretKey: { limit: 5000, blockSeconds: 10 },
    });
  });

  it.each([
    ['RECEIVER_RATE_LIMITS', 'errors=lots', /rateLimit\.perIp/],
    ['RECEIVER_RATE_LIMITS', 'errors', /RECEIVER_RATE_LIMITS/],
    ['RECEIVER_RATE_LIMIT_SECRET_KEY', '1k', /RECEIVER_RATE_LIMIT_SECRET_KEY/],
    ['RECEIVER_RATE_LIMIT_WINDOW_SECONDS', '0', /RECEIVER_RATE_LIMIT_WINDOW_SECONDS/],
  ])('refuse %s=%s at start', (name, value, message) => {
    expect(() => resolveReceiverOptions(base, { [name]: value })).toThrow(message);
  });
});
