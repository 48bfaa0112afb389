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

  it('answers a short link code made of a NUL character like any unknown code', async () => {
    const res = await receiver.http.get('/r/%00');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
