import { ErrorEventEntity, PageviewEntity } from '../../receiver/storage/entities';
import { adminHeaders, useReceiverApp } from '../support/receiver-app';
import { availableEngines } from '../support/services';
import {
  createProject,
  dataSourceOf,
  pageviewBody,
  testHeaders,
  type TestProject,
} from '../tracking/tracking-fixtures';

/** JSON text nested `levels` deep (as text: the test client's own JSON.stringify would overflow). */
const deep = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

/**
 * Hostile input is a 4xx in the receiver's envelope (or stored cleaned), never a 500, on every
 * engine: NUL characters are removed at validation (PostgreSQL cannot store them), JSON nested
 * 10 000 levels deep is a 400, ids beyond the column range find nothing.
 */
describe.each(availableEngines())('hostile input [%s]', (engine) => {
  const receiver = useReceiverApp({ adapter: 'fastify', engine });
  let project: TestProject;

  beforeAll(async () => {
    project = await createProject(receiver.app);
  });

  it('stores pageviews and errors with NUL characters removed, never failing the batch', async () => {
    const pageview = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody({ url: 'https://shop.example.com/nul', page_title: 'Ti\u0000tle' }),
      testHeaders(project.publicKey),
    );
    expect(pageview.status).toBe(202);
    const error = await receiver.http.post(
      '/api/track/error.php',
      { message: 'bro\u0000ken', context: { 'k\u0000ey': 'va\u0000lue' } },
      testHeaders(project.secretKey),
    );
    expect(error.status).toBe(202);
    const db = dataSourceOf(receiver.app);
    const stored = await db.getRepository(PageviewEntity).findOneByOrFail({
      project_id: project.id,
      url: 'https://shop.example.com/nul',
    });
    expect(stored.page_title).toBe('Title');
    const events = await db.getRepository(ErrorEventEntity).findBy({ project_id: project.id });
    expect(events).toHaveLength(1);
  });

  it('answers 400 in the envelope to JSON nested 10 000 levels deep', async () => {
    for (const [path, headers] of [
      ['/api/track/error.php', testHeaders(project.secretKey)],
      ['/api/track/audit.php', testHeaders(project.secretKey)],
    ] as const) {
      const res = await receiver.http.request('POST', path, {
        raw: `{"message":"deep","action":"deep","context":${deep(10_000)}}`,
        headers: { ...headers, 'Content-Type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: expect.stringMatching(/nested/) });
    }
    const flag = await receiver.http.request('PUT', '/api/flags/deep-flag', {
      raw: deep(10_000),
      headers: { 'X-API-Key': project.secretKey, 'Content-Type': 'application/json' },
    });
    expect(flag.status).toBe(400);
    expect(flag.body.success).toBe(false);
  });

  it('finds nothing for ids beyond the column range instead of failing', async () => {
    for (const id of [2147483648, 1e308]) {
      for (const path of ['toggle', 'regenerate-keys']) {
        const res = await receiver.http.post(`/api/projects/${path}.php`, { id }, adminHeaders());
        expect(res.status).toBe(404);
        expect(res.body.success).toBe(false);
      }
      const status = await receiver.http.post(
        '/api/track/errors-update-status.php',
        { ids: [id], status: 'resolved' },
        testHeaders(project.secretKey),
      );
      expect(status.status).toBe(404);
    }
    const negative = await receiver.http.post(
      '/api/projects/toggle.php',
      { id: -1e308 },
      adminHeaders(),
    );
    expect(negative.status).toBe(400);
  });

  it('removes NUL characters from audits, link labels, telemetry and flags, and health stays ok', async () => {
    const headers = testHeaders(project.secretKey);
    const audit = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'log\u0000in', actor: 'a\u0000dmin', context: { 'k\u0000': 'v\u0000' } },
      headers,
    );
    expect(audit.status).toBe(202);
    const link = await receiver.http.post(
      '/api/links/create.php',
      { destination_url: 'https://shop.example.com/nul', label: 'La\u0000bel' },
      headers,
    );
    expect(link.status).toBe(200);
    expect(link.body.data.label).toBe('Label');
    const report = await receiver.http.post(
      '/api/telemetry',
      { host: 'ho\u0000st', data: { 'cp\u0000u': 1, 'na\u0000me': 'va\u0000lue' } },
      headers,
    );
    expect(report.status).toBe(200);
    const hosts = await receiver.http.get('/api/telemetry/hosts', headers);
    expect(hosts.body.data.hosts.map((h: { host: string }) => h.host)).toContain('host');
    const flag = await receiver.http.put(
      '/api/flags/nul-flag',
      { enabled: true, description: 'de\u0000scribed' },
      headers,
    );
    expect(flag.status).toBeLessThan(500);
    const flagName = await receiver.http.put('/api/flags/nul%00flag', { enabled: true }, headers);
    expect(flagName.status).toBe(400);
    expect(flagName.body.success).toBe(false);
    const actions = await receiver.http.get('/api/analytics/audits.php?range=7d', headers);
    expect(JSON.stringify(actions.body)).not.toContain('\\u0000');
    const health = await receiver.http.get('/api/health.php');
    expect(health.body.checks.database).toMatchObject({ status: 'ok' });
  });

  it('stores a text cut inside a surrogate pair with one U+FFFD for the half, the same on every engine', async () => {
    // The snippet and the Node SDK cut messages to 1024 UTF-16 units: an emoji can lose its
    // second half, and JSON.stringify sends the first as a lone `\ud83d` escape.
    const other = await createProject(receiver.app);
    const headers = testHeaders(other.secretKey);
    const audit = await receiver.http.post(
      '/api/track/audit.php',
      { action: 'cut \ud83d', actor: '\udc00x', context: { 'k\ud800': 'v\udfff' } },
      headers,
    );
    expect(audit.status).toBe(202);
    const error = await receiver.http.post(
      '/api/track/error.php',
      { message: 'boom \ud83d' },
      headers,
    );
    expect(error.status).toBe(202);
    const logs = (await receiver.http.get('/api/analytics/audits.php?range=1d', headers)).body.data
      .logs;
    expect(logs).toEqual([
      expect.objectContaining({
        action: 'cut \ufffd',
        actor: '\ufffdx',
        context: { 'k\ufffd': 'v\ufffd' },
      }),
    ]);
    const errors = (await receiver.http.get('/api/analytics/errors.php?range=1d', headers)).body
      .data.errors;
    expect(errors.map((e: { message: string }) => e.message)).toEqual(['boom \ufffd']);
  });

  it('answers NUL characters in query strings and path parameters without a 500', async () => {
    const headers = testHeaders(project.secretKey);
    for (const path of [
      '/api/analytics/audits.php?range=7d&action=a%00b&actor=c%00d',
      '/api/analytics/link-detail.php?range=7d&code=a%00b',
      '/api/links/detail.php?code=a%00b',
      '/api/analytics/pages.php?range=7d&page=a%00b',
      '/api/telemetry/hosts/a%00b',
      '/api/telemetry/hosts/a%00b/keys/c%00d',
      '/api/redirect.php?c=a%00b',
    ]) {
      const res = await receiver.http.get(path, headers);
      expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
    }
  });

  it('answers 400 in the envelope to a telemetry report or host extras nested 10 000 levels deep', async () => {
    const headers = { ...testHeaders(project.secretKey), 'Content-Type': 'application/json' };
    const report = await receiver.http.request('POST', '/api/telemetry', {
      raw: `{"host":"deep","data":{"value":${deep(10_000)}}}`,
      headers,
    });
    expect(report.status).toBe(400);
    expect(report.body.success).toBe(false);
    const seeded = await receiver.http.post(
      '/api/telemetry',
      { host: 'extras-host', data: { cpu: 1 } },
      testHeaders(project.secretKey),
    );
    expect(seeded.status).toBe(200);
    const extras = await receiver.http.request('PUT', '/api/telemetry/hosts/extras-host/response', {
      raw: `{"extra":${deep(10_000)}}`,
      headers: { ...headers, ...adminHeaders() },
    });
    expect(extras.status).toBe(400);
    expect(extras.body.success).toBe(false);
  });

  it('finds nothing for ids beyond the column range when editing or deleting a project', async () => {
    for (const id of [2147483648, 1e308]) {
      const edit = await receiver.http.post(
        '/api/projects/edit.php',
        { id, name: 'renamed' },
        adminHeaders(),
      );
      expect(edit.status).toBe(404);
      expect(edit.body.success).toBe(false);
      const remove = await receiver.http.post(
        '/api/projects/delete.php',
        { id, confirm: 'x' },
        adminHeaders(),
      );
      expect(remove.status).toBe(404);
      expect(remove.body.success).toBe(false);
    }
  });

  it('answers a short link code made of a NUL character like a missing code, in plain text', async () => {
    // Without its NUL the code is empty: the contract's plain-text "missing code", as for `/r/%20`,
    // not Nest's `{ statusCode, … }`.
    const res = await receiver.http.get('/r/%00');
    const blank = await receiver.http.get('/r/%20');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe(blank.text);
    expect(res.text).not.toMatch(/statusCode/);
  });
});
