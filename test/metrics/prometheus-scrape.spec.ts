/**
 * A real Prometheus (Debian's `prometheus`) scrapes a test receiver, and PromQL through its HTTP
 * API returns what the receiver holds. The suite starts its own Prometheus on a free port with a
 * temporary configuration and data directory, and stops that process afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useReceiverApp } from '../support/receiver-app';
import { prometheusPath } from '../support/services';
import { createProject, report, secretHeaders } from '../receiver/telemetry/telemetry-fixtures';
import { METRICS_TOKEN, secondsFromNow } from './metrics-fixtures';
import { freePort } from '../support/free-port';

const binary = prometheusPath();
const describeWithPrometheus = binary ? describe : (describe.skip as jest.Describe);
if (!binary) {
  // Said once, plainly, so a skipped run is not mistaken for a passing one.
  console.warn(
    'skipped: Prometheus suite — no prometheus binary (apt-get install -y prometheus, or set TEST_PROMETHEUS_PATH)',
  );
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `probe` until it returns a value (Prometheus needs a scrape or two), at most ~60 s. */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(`Prometheus did not answer in time (${String(last)})`);
}

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

describeWithPrometheus('Prometheus scraping /metrics', () => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine: 'sqlite',
    options: { metrics: { token: METRICS_TOKEN } },
  });
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const target = new URL(receiver.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: receiver',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: ${METRICS_TOKEN}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      binary as string,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    prometheus.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => {
      const res = await fetch(`${prometheusUrl}/-/ready`);
      return res.ok ? true : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${output.slice(-2000)}`);
    });
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((done) => prometheus?.once('exit', done));
      prometheus.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const query = async (promql: string): Promise<VectorSample[]> => {
    const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data: { result: VectorSample[] } };
    if (body.status !== 'success') throw new Error(JSON.stringify(body));
    return body.data.result;
  };
  /** The first sample of `promql` once Prometheus has one whose value passes `expected`. */
  const valueOf = (promql: string, expected: (value: string) => boolean) =>
    eventually(async () => {
      const [sample] = await query(promql);
      return sample && expected(sample.value[1]) ? sample : undefined;
    });

  it('stores the latest telemetry values and the receiver figures it scraped, answering PromQL', async () => {
    const project = await createProject(receiver);
    const sent = await receiver.http.post(
      '/api/telemetry',
      report('db-1', { connections: 42, replication_lag_seconds: 1.5 }),
      secretHeaders(project),
    );
    expect(sent.status).toBe(200);
    const audit = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'deploy' },
      secretHeaders(project),
    );
    expect(audit.status).toBe(202);

    const up = await valueOf('up{job="receiver"}', (v) => v === '1');
    expect(up.metric.instance).toBe(new URL(receiver.url).host);

    const connections = await valueOf(
      `telemetry_value{project="${project.id}",host="db-1",key="connections"}`,
      () => true,
    );
    expect(connections.value[1]).toBe('42');
    const sum = await valueOf('sum(telemetry_value{host="db-1"})', () => true);
    expect(sum.value[1]).toBe('43.5');
    const audits = await valueOf('receiver_events_stored_total{kind="audit"}', () => true);
    expect(audits.value[1]).toBe('1');

    // A new value reaches Prometheus at the next scrape.
    await receiver.http.post(
      '/api/telemetry',
      report('db-1', { connections: 7 }, secondsFromNow(1)),
      secretHeaders(project),
    );
    const changed = await valueOf(
      'telemetry_value{host="db-1",key="connections"}',
      (v) => v === '7',
    );
    expect(changed.value[1]).toBe('7');
  });
});
