import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '../support/cli-process';
import { RecordingServer } from '../support/recording-server';
import { serveFlags } from './flags-fixture';

const sampleApp = 'sample-app/client/app.module.ts';

describe('nestjs-telemetry sync-flags', () => {
  const server = new RecordingServer();
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await server.start();
    dir = mkdtempSync(join(tmpdir(), 'telemetry-sync-flags-'));
    env = {
      TELEMETRY_SERVER_URL: `${server.url}/api/telemetry`,
      TELEMETRY_HOST: 'cli-host',
      TELEMETRY_AUTH_TOKEN: 'cli-token',
      TELEMETRY_STORE: 'file',
      TELEMETRY_STORE_PATH: join(dir, 'outbox.json'),
    };
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches the flags for the host, prints a table of flag → value and exits 0', async () => {
    serveFlags(server, () => ({ new_checkout: true, theme: 'dark', max_items: 25 }));
    const run = await runCliProcess(['sync-flags', '--module', sampleApp], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| Flag +\| Value +\|/);
    expect(run.stdout).toMatch(/\| max_items +\| 25 +\|/);
    expect(run.stdout).toMatch(/\| new_checkout +\| true +\|/);
    expect(run.stdout).toMatch(/\| theme +\| "dark" +\|/);
    const url = `${server.url}/api/telemetry/flags?host=cli-host`;
    expect(run.stdout).toContain(`Feature flags synced from ${url} (3 flag(s)).`);
    const [request] = server.on('/api/telemetry/flags');
    expect(request.headers.authorization).toBe('Bearer cli-token');
    // The CLI boots the app without timers: nothing but the flags request reached the server.
    expect(server.requests.map((r) => r.path)).toEqual(['/api/telemetry/flags']);
  }, 60_000);

  it('persists the flags: the next run sends the ETag, gets 304 and still prints them', async () => {
    const run = await runCliProcess(['sync-flags', '--module', sampleApp], env);
    expect(run.code).toBe(0);
    expect(server.requests.at(-1)?.headers['if-none-match']).toBeDefined();
    expect(run.stdout).toMatch(/\| new_checkout +\| true +\|/);
    expect(run.stdout).toContain('(304 Not Modified); 3 flag(s) held.');
  }, 60_000);

  it("exits 1 with the receiver's reason on stderr when the flags cannot be fetched", async () => {
    server.respond(() => ({ status: 500, body: { error: 'boom' } }));
    const run = await runCliProcess(['sync-flags', '--module', sampleApp], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Failed to sync feature flags: HTTP 500: boom. The last known flags are kept.',
    );
    expect(run.stdout).not.toContain('synced');
  }, 60_000);
});
