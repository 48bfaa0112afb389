import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess as runCli } from '../support/cli-process';
import { TestTelemetryReceiver } from '../support/telemetry-test-receiver';

const sampleApp = 'sample-app/client/app.module.ts';

describe('nestjs-telemetry CLI against the sample app', () => {
  let receiver: TestTelemetryReceiver;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await TestTelemetryReceiver.create();
    dir = mkdtempSync(join(tmpdir(), 'telemetry-cli-'));
    env = {
      TELEMETRY_SERVER_URL: receiver.url,
      TELEMETRY_HOST: 'cli-host',
      TELEMETRY_STORE: 'file',
      TELEMETRY_STORE_PATH: join(dir, 'outbox.json'),
    };
  });

  afterAll(async () => {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('list prints every collector with interval, last collection and next due time', async () => {
    const run = await runCli(['list', '--module', sampleApp], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toMatch(
      /\| Key +\| Class +\| Method +\| Interval \(s\) \| Last collected \| Next due \|/,
    );
    expect(run.stdout).toMatch(
      /\| registered_users +\| AppTelemetryService \| registeredUsers +\| 86400 +\| never +\| now +\|/,
    );
    expect(run.stdout).toMatch(/\| disk +\| AppTelemetryService \| disk +\| 3600 +\|/);
    expect(run.stdout).toContain('memory_rss_bytes');
    expect(receiver.reports).toHaveLength(0);
  }, 60_000);

  it('list says so when the application has no collectors', async () => {
    const run = await runCli(['list', '--module', 'test/client/fixtures/empty-app.module.ts'], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe('No telemetry data collectors found.');
  }, 60_000);

  it('report collects every collector, sends them and exits 0; send --only-due then finds nothing due', async () => {
    const run = await runCli(['report', '--module', sampleApp], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Collected 3 value(s).');
    expect(run.stdout).toContain(`Telemetry posted to ${receiver.url}: 1 payload(s), 3 value(s).`);
    expect(receiver.reports).toHaveLength(1);
    const { host, data } = receiver.reports[0].body;
    expect(host).toBe('cli-host');
    expect(data.registered_users).toBe(3);
    expect(typeof data.memory_rss_bytes).toBe('number');
    expect(data.disk).toEqual({ freeBytes: expect.any(Number), totalBytes: expect.any(Number) });

    const again = await runCli(['send', '--only-due', '--module', sampleApp], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Collected 0 value(s).');
    expect(again.stdout).toContain('Nothing to send: the outbox is empty.');
    expect(receiver.reports).toHaveLength(1);
  }, 60_000);

  it("report exits non-zero with the receiver's reason when it refuses, keeping the values for the next run", async () => {
    receiver.answer = () => ({
      status: 403,
      body: { success: false, message: 'Invalid signature' },
    });
    const failed = await runCli(['report', '--module', sampleApp], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      'Failed to send telemetry data (HTTP 403: Invalid signature); 3 value(s) kept in the outbox.',
    );

    receiver.answer = () => ({ status: 200, body: {} });
    const before = receiver.reports.length;
    const retried = await runCli(['send', '--only-due', '--module', sampleApp], env);
    expect(retried.code).toBe(0);
    expect(receiver.reports.length - before).toBe(1);
    expect(Object.keys(receiver.reports[before].body.data).sort()).toEqual([
      'disk',
      'memory_rss_bytes',
      'registered_users',
    ]);
  }, 60_000);

  it('rejects an unknown command and a missing --module with a clear message', async () => {
    const unknown = await runCli(['explode'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Unknown command "explode"');
    const missing = await runCli(['list'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The --module <file> option is required by "list"');
  }, 60_000);

  it('says so when the module does not import TelemetryModule', async () => {
    const file = 'test/client/fixtures/no-telemetry-app.module.ts';
    const before = receiver.reports.length;
    const run = await runCli(['report', '--module', file], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The application in ${file} does not import TelemetryModule`);
    expect(receiver.reports).toHaveLength(before);
  }, 60_000);
});
