import { createHash } from 'node:crypto';
import { AuditLogEntity, ErrorGroupEntity } from '../../receiver/storage/entities';
import { describeReceiver, TEST_IP_SALT, useReceiverApp } from '../support/receiver-app';
import { createProject, dataSourceOf, testHeaders, TestProject } from './tracking-fixtures';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describeReceiver('POST /api/track/audit.php', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  const PATH = '/api/track/audit.php';
  let project: TestProject;
  beforeAll(async () => {
    project = await createProject(receiver.app);
  });
  const auditsOf = (projectId: number) =>
    dataSourceOf(receiver.app)
      .getRepository(AuditLogEntity)
      .find({ where: { project_id: projectId }, order: { id: 'ASC' } });

  it('stores action, actor, salted IP hash and context, and answers 202', async () => {
    const p = await createProject(receiver.app);
    const res = await receiver.http.post(
      PATH,
      { action: 'user.login', actor: 'alice@example.com', context: { method: 'password' } },
      testHeaders(p.secretKey),
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });
    const [audit] = await auditsOf(p.id);
    expect(audit).toMatchObject({
      action: 'user.login',
      actor: 'alice@example.com',
      ip_hash: sha256(`127.0.0.1${TEST_IP_SALT}`),
      context: { method: 'password' },
    });
  });

  it('defaults actor to "" and context to null, and truncates action to 100 bytes', async () => {
    const p = await createProject(receiver.app);
    await receiver.http.post(PATH, { action: 'a'.repeat(150) }, testHeaders(p.publicKey));
    const [audit] = await auditsOf(p.id);
    expect(audit).toMatchObject({ action: 'a'.repeat(100), actor: '', context: null });
  });

  it('answers 400 "action is required" and 401 "Invalid API key"', async () => {
    const missing = await receiver.http.post(PATH, { actor: 'x' }, testHeaders(project.secretKey));
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ success: false, message: 'action is required' });
    const bad = await receiver.http.post(PATH, { action: 'x' }, testHeaders('nope'));
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('Invalid API key');
  });
});

describeReceiver('POST /api/track/errors-update-status.php', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  const PATH = '/api/track/errors-update-status.php';
  let project: TestProject;
  let other: TestProject;
  let ids: number[];
  let foreignId: number;

  const update = (body: unknown, key = project.secretKey) =>
    receiver.http.post(PATH, body, testHeaders(key));

  beforeAll(async () => {
    project = await createProject(receiver.app);
    other = await createProject(receiver.app);
    for (const message of ['one', 'two', 'three']) {
      await receiver.http.post('/api/track/error.php', { message }, testHeaders(project.secretKey));
    }
    await receiver.http.post(
      '/api/track/error.php',
      { message: 'x' },
      testHeaders(other.secretKey),
    );
    const groups = await dataSourceOf(receiver.app)
      .getRepository(ErrorGroupEntity)
      .find({ order: { id: 'ASC' } });
    ids = groups.filter((g) => g.project_id === project.id).map((g) => g.id);
    foreignId = groups.find((g) => g.project_id === other.id)!.id;
  });

  it('changes the status of the project groups and counts only real changes', async () => {
    const first = await update({ ids: [ids[0], ids[1]], status: 'resolved' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      success: true,
      message: '2 error groups marked as resolved.',
      data: { updated: 2, ids: [ids[0], ids[1]], status: 'resolved' },
    });
    const again = await update({ id: ids[0], status: 'resolved' });
    expect(again.body.message).toBe('0 error groups marked as resolved.');
    expect(again.body.data.updated).toBe(0);
    const one = await update({ id: String(ids[0]), status: 'investigating' });
    expect(one.body.message).toBe('1 error group marked as investigating.');
  });

  it('reports ids of other projects as not found and skips them', async () => {
    const res = await update({ ids: [ids[2], foreignId, 999999], status: 'ignored' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      updated: 1,
      ids: [ids[2]],
      status: 'ignored',
      not_found: [foreignId, 999999],
    });
    expect(res.body.message).toBe(
      '1 error group marked as ignored. 2 ID(s) not found and were skipped.',
    );
    const foreign = await dataSourceOf(receiver.app)
      .getRepository(ErrorGroupEntity)
      .findOneByOrFail({ id: foreignId });
    expect(foreign.status).toBe('open');
  });

  it('answers the contract errors in order', async () => {
    const cases: [unknown, number, string][] = [
      [
        { ids: [ids[0]], status: 'done' },
        400,
        'status is required and must be one of: open, investigating, resolved, ignored',
      ],
      [
        { ids: [ids[0]] },
        400,
        'status is required and must be one of: open, investigating, resolved, ignored',
      ],
      [
        { ids: [ids[0]], status: ['open'] },
        400,
        'status is required and must be one of: open, investigating, resolved, ignored',
      ],
      [{ status: 'open' }, 400, 'ids (array) or id (integer) is required'],
      [{ ids: null, id: null, status: 'open' }, 400, 'ids (array) or id (integer) is required'],
      [{ ids: [0, 'abc'], status: 'open' }, 400, 'No valid IDs provided'],
      [
        { ids: Array.from({ length: 101 }, (_, i) => i + 1), status: 'open' },
        400,
        'Maximum 100 IDs per request',
      ],
      [
        { ids: [foreignId], status: 'open' },
        404,
        'No matching error groups found for this project',
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await update(body);
      expect({ status: res.status, body: res.body }).toEqual({
        status,
        body: { success: false, message },
      });
    }
  });

  it('takes the values of an ids object as the list, as PHP reads an associative array', async () => {
    const res = await update({
      ids: { first: ids[0], second: String(ids[1]) },
      status: 'resolved',
    });
    expect(res.status).toBe(200);
    expect(res.body.data.ids).toEqual([ids[0], ids[1]]);
    expect((await update({ ids: {}, status: 'open' })).body.message).toBe('No valid IDs provided');
  });

  it('de-duplicates ids before applying the 100-id cap', async () => {
    const res = await update({ ids: [...Array(150).fill(ids[1]), 0], status: 'open' });
    expect(res.status).toBe(200);
    expect(res.body.data.ids).toEqual([ids[1]]);
  });

  it('answers on the paths without .php as well', async () => {
    const headers = testHeaders(project.secretKey);
    const status = await receiver.http.post(
      '/api/track/errors-update-status',
      { id: ids[0], status: 'open' },
      headers,
    );
    expect(status.status).toBe(200);
    expect(
      (await receiver.http.post('/api/track/error', { message: 'alias' }, headers)).status,
    ).toBe(202);
    expect(
      (await receiver.http.post('/api/track/audit', { action: 'alias' }, headers)).status,
    ).toBe(202);
    const view = await receiver.http.post(
      '/api/track/pageview',
      { url: 'https://shop.example.com/alias', visitor_id: 'v', session_token: 's' },
      testHeaders(project.publicKey),
    );
    expect(view.status).toBe(202);
  });

  it('accepts only the secret key', async () => {
    const res = await update({ id: ids[0], status: 'open' }, project.publicKey);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Invalid API key');
  });
});
