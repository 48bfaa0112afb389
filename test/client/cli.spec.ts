import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTelemetryStore } from '../../lib/outbox/stores/file.store';
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
      /\| Key +\| Class +\| Method +\| Interval \(seconds\) \| Last collected \| Next due \|/,
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
    // Contract §6.1 step 4: the Laravel command's words, so scripts that watch for them still work.
    expect(again.stdout).toContain('No telemetry data to send.');
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

  it('dead-letters lists the values the server refused for good, of both outboxes; retry sends them again, drop deletes them', async () => {
    const own = mkdtempSync(join(dir, 'dead-letters-'));
    const path = join(own, 'outbox.json');
    const local = {
      ...env,
      TELEMETRY_STORE_PATH: path,
      TELEMETRY_ERRORS_URL: receiver.url,
      TELEMETRY_ERRORS_PROJECT_KEY: 'secret-key',
    };
    const refusedAt = '2025-08-03T10:05:00.000Z';
    const store = new FileTelemetryStore(path);
    await store.append([
      { key: 'disk', value: 'huge', collectedAt: '2025-08-03T10:00:00.000Z', host: 'cli-host' },
      { key: 'disk', value: 'odd', collectedAt: '2025-08-03T10:00:01.000Z', host: 'cli-host' },
    ]);
    const [first, second] = await store.pending(10);
    await store.setAside([
      { ...first, status: 413, reason: 'payload too large', refusedAt },
      { ...second, status: 422, reason: 'unknown key', refusedAt },
    ]);
    await store.close();
    // The errors outbox beside it (errors.outbox.json), with a report refused for good.
    const errorsStore = new FileTelemetryStore(join(own, 'errors.outbox.json'));
    const report = { type: 'TypeError', message: 'x'.repeat(10), severity: 'error' };
    await errorsStore.append([
      { key: 'micrologs:error', value: report, collectedAt: refusedAt, host: 'cli-host' },
    ]);
    const [refusedReport] = await errorsStore.pending(10);
    await errorsStore.setAside([
      { ...refusedReport, status: 400, reason: 'message too long', refusedAt },
    ]);
    await errorsStore.close();
    receiver.answer = () => ({ status: 200, body: {} });

    const list = await runCli(['dead-letters', '--module', sampleApp], local);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /\| Id +\| Host +\| Key +\| Collected at +\| Status \| Reason +\| Refused at +\|/,
    );
    expect(list.stdout).toMatch(
      /\| telemetry:1 +\| cli-host \| disk +\| 2025-08-03T10:00:00.000Z \| 413 +\| payload too large \|/,
    );
    expect(list.stdout).toMatch(
      /\| errors:1 +\| cli-host \| micrologs:error \| 2025-08-03T10:05:00.000Z \| 400 +\| message too long +\|/,
    );
    expect(list.stdout).toContain(
      '3 value(s) the server refused for good are kept as dead letters.',
    );

    const before = receiver.reports.length;
    const retried = await runCli(
      ['dead-letters', 'retry', '--id', `telemetry:${first.id},errors:1`, '--module', sampleApp],
      local,
    );
    expect(retried.stdout).toContain(
      'telemetry outbox: sent 1 payload(s) again; 0 refused again; 1 dead letter(s) left.',
    );
    expect(retried.stdout).toContain(
      'errors outbox: sent 1 payload(s) again; 0 refused again; 0 dead letter(s) left.',
    );
    expect(retried.code).toBe(0);
    const sent = receiver.reports.slice(before);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.body?.data)).toContainEqual({ disk: 'huge' });
    const errorReport = sent.find((r) => r.path.endsWith('/api/track/error.php'));
    expect(errorReport?.headers['x-api-key']).toBe('secret-key');
    expect(JSON.parse(errorReport!.raw)).toEqual(report);

    const reported = await runCli(['report', '--module', sampleApp], local);
    expect(reported.code).toBe(0);
    expect(reported.stderr).toContain(
      '1 value(s) the server refused for good are kept as dead letters',
    );

    const unsure = await runCli(['dead-letters', 'drop', '--module', sampleApp], local);
    expect(unsure.code).toBe(1);
    expect(unsure.stderr).toContain(
      'Say which dead letters to drop: --id <ids> (as listed) or --all.',
    );
    const bare = await runCli(['dead-letters', 'drop', '--id', '2', '--module', sampleApp], local);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('expected dead letter ids as listed');
    const dropped = await runCli(['dead-letters', 'drop', '--all', '--module', sampleApp], local);
    expect(dropped.stdout).toContain('Dropped 1 dead letter(s).');
    const empty = await runCli(['dead-letters', '--module', sampleApp], local);
    expect(empty.stdout).toContain('No dead letters');
  }, 120_000);

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
