import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { TestingModule } from '@nestjs/testing';
import { firstValueFrom } from 'rxjs';
import { FeatureFlagsService, FeatureFlagsSynchronizer } from '../../lib';
import { FeatureFlagsPoller } from '../../lib/flags/feature-flags.poller';
import { RecordingServer } from '../support/recording-server';
import { bootClient, serveFlags } from './flags-fixture';

describe('flags fetched from the flags endpoint', () => {
  const server = new RecordingServer();
  let moduleRef: TestingModule | undefined;
  let current: Record<string, unknown>;
  let dir: string;

  beforeAll(() => server.start());
  beforeEach(() => {
    current = { new_checkout: true, theme: 'dark' };
    serveFlags(server, () => current);
    dir = mkdtempSync(join(tmpdir(), 'telemetry-flags-'));
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    server.requests.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });
  afterAll(() => server.stop());

  const boot = (extra = {}) =>
    bootClient({
      serverUrl: `${server.url}/api/telemetry`,
      store: 'file',
      storePath: join(dir, 'outbox.json'),
      ...extra,
    });

  it('GETs <serverUrl>/flags?host=<host> with the bearer token and a signature, and applies the answer', async () => {
    moduleRef = await boot({ authToken: 'tok', signing: { enabled: true, key: 'k' } });
    const result = await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    expect(result).toMatchObject({ ok: true, notModified: false });
    const [request] = server.on('/api/telemetry/flags');
    expect(request.method).toBe('GET');
    expect(request.query.get('host')).toBe('shop-1');
    expect(request.headers.authorization).toBe('Bearer tok');
    expect(request.headers['x-telemetry-signature']).toBe(
      createHmac('sha256', 'k').update(Buffer.alloc(0)).digest('hex'),
    );
    const flags = moduleRef.get(FeatureFlagsService);
    expect(flags.isEnabled('new_checkout')).toBe(true);
    expect(flags.getValue('theme', 'light')).toBe('dark');
  });

  it('uses flagsUrl when given, keeping its own query string', async () => {
    moduleRef = await boot({ flagsUrl: `${server.url}/api/telemetry/flags?env=prod` });
    await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    const [request] = server.on('/api/telemetry/flags');
    expect(request.query.get('env')).toBe('prod');
    expect(request.query.get('host')).toBe('shop-1');
  });

  it('sends If-None-Match with the last ETag and keeps the flags on 304', async () => {
    moduleRef = await boot();
    const sync = moduleRef.get(FeatureFlagsSynchronizer);
    const flags = moduleRef.get(FeatureFlagsService);
    await sync.syncNow();
    const changes: unknown[] = [];
    flags.changes$.subscribe((change) => changes.push(change));
    const second = await sync.syncNow();
    expect(second).toEqual({ ok: true, notModified: true, changes: [] });
    const [first, again] = server.on('/api/telemetry/flags');
    expect(first.headers['if-none-match']).toBeUndefined();
    expect(again.headers['if-none-match']).toBe(flags.etag);
    expect(flags.getAll()).toEqual(current);
    expect(changes).toHaveLength(0);
  });

  it('a changed set on the server arrives with a new ETag and is announced on changes$', async () => {
    moduleRef = await boot();
    const sync = moduleRef.get(FeatureFlagsSynchronizer);
    const flags = moduleRef.get(FeatureFlagsService);
    await sync.syncNow();
    const oldEtag = flags.etag;
    current = { new_checkout: false, theme: 'dark' };
    const change = firstValueFrom(flags.changes$);
    await sync.syncNow();
    expect((await change).changes).toEqual([
      { name: 'new_checkout', previous: true, current: false },
    ]);
    expect(flags.etag).not.toBe(oldEtag);
  });

  it('persists the flags and their ETag: after a restart they are served while the server is down', async () => {
    moduleRef = await boot();
    await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    await moduleRef.close();

    server.respond(() => ({
      status: 503,
      headers: { 'retry-after': '120' },
      body: { error: 'down' },
    }));
    moduleRef = await boot();
    const flags = moduleRef.get(FeatureFlagsService);
    expect(flags.isEnabled('new_checkout')).toBe(true);
    expect(flags.getValue('theme', 'light')).toBe('dark');
    const result = await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    expect(result).toMatchObject({ ok: false, retryAfterSeconds: 120 });
    expect(flags.getAll()).toEqual({ new_checkout: true, theme: 'dark' });
  });

  it('after a restart the first fetch sends the persisted ETag and gets 304', async () => {
    moduleRef = await boot();
    await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    await moduleRef.close();
    moduleRef = await boot();
    const result = await moduleRef.get(FeatureFlagsSynchronizer).syncNow();
    expect(result.notModified).toBe(true);
  });

  it('an answer that is not a flags object fails the sync and keeps the flags', async () => {
    moduleRef = await boot();
    const sync = moduleRef.get(FeatureFlagsSynchronizer);
    await sync.syncNow();
    server.respond(() => ({
      body: '<html>maintenance</html>',
      headers: { 'content-type': 'text/html' },
    }));
    const result = await sync.syncNow();
    expect(result.ok).toBe(false);
    expect(moduleRef.get(FeatureFlagsService).getAll()).toEqual(current);
  });

  it('an empty set written the PHP way ([]) empties the flags, wrapped or bare; a wrapped non-object fails', async () => {
    moduleRef = await boot();
    const sync = moduleRef.get(FeatureFlagsSynchronizer);
    const flags = moduleRef.get(FeatureFlagsService);
    for (const body of ['{"feature_flags":[]}', '[]']) {
      await flags.apply({ new_checkout: true }, 'poll');
      server.respond(() => ({ body, headers: { 'content-type': 'application/json' } }));
      expect(await sync.syncNow()).toMatchObject({ ok: true, notModified: false });
      expect(flags.getAll()).toEqual({});
    }
    await flags.apply({ new_checkout: true }, 'poll');
    server.respond(() => ({ body: { feature_flags: 'on' } }));
    expect((await sync.syncNow()).ok).toBe(false);
    expect(flags.getAll()).toEqual({ new_checkout: true });
  });

  it('the poller fetches on its own every flagsPollInterval seconds when timers run', async () => {
    moduleRef = await boot({ manualRegistration: false, flagsPollInterval: 1 });
    const flags = moduleRef.get(FeatureFlagsService);
    const first = await firstValueFrom(flags.changes$);
    expect(first.source).toBe('poll');
    expect(flags.isEnabled('new_checkout')).toBe(true);
    current = { new_checkout: true, theme: 'dark', maintenance: true };
    const next = await firstValueFrom(flags.changes$);
    expect(next.changes).toEqual([{ name: 'maintenance', previous: undefined, current: true }]);
  });

  it('the poller logs an outage once and its end, keeping the last known flags meanwhile', async () => {
    moduleRef = await boot({ manualRegistration: false, flagsPollInterval: 3600 });
    const poller = moduleRef.get(FeatureFlagsPoller);
    const flags = moduleRef.get(FeatureFlagsService);
    await poller.poll();
    server.respond(() => ({ status: 500, body: {} }));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await poller.poll();
      await poller.poll();
      await poller.poll();
      expect(flags.isEnabled('new_checkout')).toBe(true);
      serveFlags(server, () => current);
      await poller.poll();
      const outageWarnings = warn.mock.calls.filter(([m]) =>
        String(m).includes('could not be fetched'),
      );
      expect(outageWarnings).toHaveLength(1);
      expect(log.mock.calls.filter(([m]) => String(m).includes('fetched again'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });
});
