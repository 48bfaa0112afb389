import { resolveReceiverOptions } from '../../receiver/config/receiver-options.resolver';
import { describeEachEngine } from '../support/services';
import { METRICS_TOKEN, samplesOf, secondsFromNow } from './metrics-fixtures';
import { useReceiverApp } from '../support/receiver-app';
import {
  createProject,
  report,
  secretHeaders,
  type TestProject,
} from '../receiver/telemetry/telemetry-fixtures';

const scrapeHeaders = { Authorization: `Bearer ${METRICS_TOKEN}` };

describeEachEngine('/metrics exposition', (engine) => {
  const receiver = useReceiverApp({
    adapter: 'fastify',
    engine,
    options: { metrics: { token: METRICS_TOKEN } },
  });
  let project: TestProject;
  const scrape = async () => {
    const res = await receiver.http.get('/metrics', scrapeHeaders);
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    project = await createProject(receiver);
    const sent = await receiver.http.post(
      '/api/telemetry',
      report('web-1', { cpu: 0.75, queue_length: 12, version: '1.2.0', healthy: true }),
      secretHeaders(project),
    );
    expect(sent.status).toBe(200);
    // A newer value replaces the older one.
    const newer = await receiver.http.post(
      '/api/telemetry',
      report('web-1', { cpu: 0.5 }, secondsFromNow(1)),
      secretHeaders(project),
    );
    expect(newer.status).toBe(200);
  });

  it('refuses a scrape without the bearer token, or with a wrong one', async () => {
    const none = await receiver.http.get('/metrics');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      success: false,
      message: 'Invalid or missing metrics token (Authorization: Bearer <token>)',
    });
    const wrong = await receiver.http.get('/metrics', {
      Authorization: 'Bearer nope-nope-nope-nope',
    });
    expect(wrong.status).toBe(401);
  });

  it('exposes the latest numeric value of every key of every host as a gauge', async () => {
    const res = await receiver.http.get('/metrics', scrapeHeaders);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const p = project.id;
    expect(samplesOf(res.text, 'telemetry_value').sort()).toEqual(
      [
        `telemetry_value{project="${p}",host="web-1",key="cpu"} 0.5`,
        `telemetry_value{project="${p}",host="web-1",key="queue_length"} 12`,
      ].sort(),
    );
  });

  it('counts accepted and stored events per kind, batch latency and cache lookups', async () => {
    const audit = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'user.login', actor: 'alice' },
      secretHeaders(project),
    );
    expect(audit.status).toBe(202);
    const visitors = () =>
      receiver.http.get('/api/analytics/visitors.php?range=7d', secretHeaders(project));
    expect((await visitors()).status).toBe(200); // computed
    expect((await visitors()).status).toBe(200); // from the cache
    const text = await scrape();
    // The two telemetry reports of the first test went through the same ingest engine.
    expect(samplesOf(text, 'receiver_events_accepted_total').sort()).toEqual([
      'receiver_events_accepted_total{kind="audit"} 1',
      'receiver_events_accepted_total{kind="telemetry-report"} 2',
    ]);
    expect(samplesOf(text, 'receiver_events_stored_total').sort()).toEqual([
      'receiver_events_stored_total{kind="audit"} 1',
      'receiver_events_stored_total{kind="telemetry-report"} 2',
    ]);
    expect(samplesOf(text, 'receiver_ingest_batch_duration_seconds_count')).toEqual([
      'receiver_ingest_batch_duration_seconds_count 3', // two reports, one audit
    ]);
    expect(samplesOf(text, 'receiver_ingest_queue_depth')).toEqual([
      'receiver_ingest_queue_depth 0',
    ]);
    expect(samplesOf(text, 'receiver_analytics_cache_hits_total')).toEqual([
      'receiver_analytics_cache_hits_total 1',
    ]);
    expect(samplesOf(text, 'receiver_analytics_cache_misses_total')).toEqual([
      'receiver_analytics_cache_misses_total 1',
    ]);
    expect(samplesOf(text, 'receiver_analytics_cache_hit_ratio')).toEqual([
      'receiver_analytics_cache_hit_ratio 0.5',
    ]);
    expect(text).toContain('process_cpu_seconds_total');
  });
});

describe('/metrics switched off', () => {
  const receiver = useReceiverApp({ adapter: 'express', engine: 'sqlite' });

  it('answers 404 without a token configured', async () => {
    const res = await receiver.http.get('/metrics', scrapeHeaders);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(
      'Metrics are off: set the metrics.token option (RECEIVER_METRICS_TOKEN)',
    );
  });
});

describe('metrics.token option', () => {
  const base = { RECEIVER_ADMIN_KEY: 'admin-key', RECEIVER_IP_HASH_SALT: 'salt' };

  it('reads RECEIVER_METRICS_TOKEN, and refuses a short one without showing it', () => {
    expect(
      resolveReceiverOptions({}, { ...base, RECEIVER_METRICS_TOKEN: METRICS_TOKEN }).metricsToken,
    ).toBe(METRICS_TOKEN);
    expect(resolveReceiverOptions({}, base).metricsToken).toBeUndefined();
    const short = () => resolveReceiverOptions({}, { ...base, RECEIVER_METRICS_TOKEN: 'secret1' });
    expect(short).toThrow(/RECEIVER_METRICS_TOKEN.*at least 16 characters/);
    expect(short).not.toThrow(/secret1/);
    expect(() =>
      resolveReceiverOptions({ metrics: { token: 'has spaces in the token' } }, base),
    ).toThrow(/metrics\.token/);
  });
});
