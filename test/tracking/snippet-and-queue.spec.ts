import { INGEST_QUEUE, IngestQueue } from '../../receiver/ingest';
import { AuditLogEntity } from '../../receiver/storage/entities';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { ensureSnippetBuilt } from '../support/snippet-build';
import { createProject, dataSourceOf, testHeaders } from './tracking-fixtures';

describeEachAdapter('GET /snippet/micrologs.js', ({ adapter, engine }) => {
  beforeAll(() => ensureSnippetBuilt());
  const receiver = useReceiverApp({ adapter, engine });

  it('serves the minified snippet as JavaScript with an ETag and an hour of caching', async () => {
    const res = await receiver.http.get('/snippet/micrologs.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600, must-revalidate');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(res.text).toContain('data-public-key');
    expect(res.text).toContain('/api/track/pageview.php');
  });

  it('answers 304 without a body when the cached copy is current', async () => {
    const first = await receiver.http.get('/snippet/micrologs.js');
    const again = await receiver.http.get('/snippet/micrologs.js', {
      'If-None-Match': first.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const stale = await receiver.http.get('/snippet/micrologs.js', { 'If-None-Match': '"old"' });
    expect(stale.status).toBe(200);
  });
});

describeEachAdapter('tracking while database writes fail', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });

  it('answers 503 (never 202) while writes fail, and stores again once the database is back', async () => {
    const project = await createProject(receiver.app);
    const db = dataSourceOf(receiver.app);
    // Reads (key lookups) keep working, every write fails: a full disk, a read-only replica.
    await db.query('PRAGMA query_only = ON');
    const down = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'lost.while.down' },
      testHeaders(project.secretKey),
    );
    expect(down.status).toBe(503);
    expect(down.body).toEqual({
      success: false,
      message: 'Service temporarily unavailable, the event was not stored. Retry later.',
    });
    const queue = receiver.app.get<IngestQueue>(INGEST_QUEUE);
    expect(queue.health()).toMatchObject({ status: 'fail' });
    const health = await receiver.http.get('/api/health.php');
    expect(health.status).toBe(503);
    expect(health.body.checks.queue).toMatchObject({ status: 'fail', driver: 'inline' });
    expect(health.body.checks.queue.message).toMatch(/^Database writes are failing: /);

    await db.query('PRAGMA query_only = OFF');
    const back = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'stored.after.recovery' },
      testHeaders(project.secretKey),
    );
    expect(back.status).toBe(202);
    const healthy = await receiver.http.get('/api/health.php');
    expect(healthy.status).toBe(200);
    expect(healthy.body.checks.queue).toMatchObject({ status: 'ok', driver: 'inline', pending: 0 });
    // Without a GeoIP database: a warning that does not make the receiver unhealthy.
    expect(healthy.body.checks.geoip).toEqual({
      status: 'warn',
      message: 'No GeoIP database configured — location tracking disabled',
    });
    const actions = (await db.getRepository(AuditLogEntity).find()).map((a) => a.action);
    expect(actions).toEqual(['stored.after.recovery']);
  });
});
