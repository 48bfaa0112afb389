import { createHash } from 'node:crypto';
import { ErrorEventEntity, ErrorGroupEntity } from '../../receiver/storage/entities';
import { describeReceiver, useReceiverApp } from '../support/receiver-app';
import { createProject, dataSourceOf, testHeaders, TestProject } from './tracking-fixtures';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const PATH = '/api/track/error.php';

describeReceiver('POST /api/track/error.php', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  let project: TestProject;
  const db = () => dataSourceOf(receiver.app);
  const groupsOf = (projectId: number) =>
    db()
      .getRepository(ErrorGroupEntity)
      .find({ where: { project_id: projectId }, order: { id: 'ASC' } });
  const eventsOf = (projectId: number) =>
    db()
      .getRepository(ErrorEventEntity)
      .find({ where: { project_id: projectId }, order: { id: 'ASC' } });
  const send = (key: string, body: unknown, extra: Record<string, string> = {}) =>
    receiver.http.post(PATH, body, testHeaders(key, extra));

  beforeAll(async () => {
    project = await createProject(receiver.app);
  });

  it('stores an error from a backend with the secret key and answers 202 {queued:true}', async () => {
    const p = await createProject(receiver.app);
    const res = await send(
      p.secretKey,
      {
        message: 'Payment failed',
        error_type: 'PaymentError',
        file: 'billing.ts',
        line: 42,
        stack: 'at charge (billing.ts:42)',
        url: 'https://shop.example.com/checkout',
        severity: 'critical',
        environment: 'staging',
        context: { order: 1234, tags: ['a'] },
      },
      { Origin: '' },
    );
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, message: 'OK', data: { queued: true } });
    const [group] = await groupsOf(p.id);
    expect(group).toMatchObject({
      error_type: 'PaymentError',
      message: 'Payment failed',
      file: 'billing.ts',
      line: 42,
      severity: 'critical',
      environment: 'staging',
      status: 'open',
      occurrence_count: 1,
      fingerprint: sha256(`${p.id}PaymentErrorPayment failedbilling.ts42`),
    });
    const [event] = await eventsOf(p.id);
    expect(event).toMatchObject({
      group_id: group.id,
      stack_trace: 'at charge (billing.ts:42)',
      url: 'https://shop.example.com/checkout',
      severity: 'critical',
      environment: 'staging',
      context: { order: 1234, tags: ['a'] },
    });
    expect(event.device_id).not.toBeNull();
  });

  it('applies the defaults: Unknown type, error severity, production, null line/stack/context', async () => {
    const p = await createProject(receiver.app);
    await send(p.publicKey, { message: 'Boom', severity: 'fatal', environment: 'qa' });
    const [group] = await groupsOf(p.id);
    expect(group).toMatchObject({
      error_type: 'Unknown',
      file: '',
      line: null,
      severity: 'error',
      environment: 'production',
      fingerprint: sha256(`${p.id}UnknownBoom`),
    });
    const [event] = await eventsOf(p.id);
    expect(event).toMatchObject({ stack_trace: null, context: null, url: '' });
  });

  it('keeps an explicit empty error_type and casts line to an integer', async () => {
    const p = await createProject(receiver.app);
    await send(p.secretKey, { message: 'x', error_type: '', line: '17abc' });
    await send(p.secretKey, { message: 'huge line', line: 1e12 });
    const [group, huge] = await groupsOf(p.id);
    expect(group.error_type).toBe('');
    expect(group.line).toBe(17);
    expect(huge.line).toBe(2_147_483_647);
  });

  it('drops a context over 8 KB but keeps the event, and keeps {} as {}', async () => {
    const p = await createProject(receiver.app);
    await send(p.secretKey, { message: 'big', context: { blob: 'x'.repeat(9000) } });
    await send(p.secretKey, { message: 'empty', context: {} });
    await send(p.secretKey, { message: 'scalar', context: 'text' });
    const events = await eventsOf(p.id);
    expect(events.map((e) => e.context)).toEqual([null, {}, null]);
  });

  it('truncates message to 1024 bytes before fingerprinting', async () => {
    const p = await createProject(receiver.app);
    await send(p.secretKey, { message: 'm'.repeat(2000) });
    await send(p.secretKey, { message: 'm'.repeat(1500) });
    const groups = await groupsOf(p.id);
    expect(groups).toHaveLength(1);
    expect(groups[0].message).toHaveLength(1024);
    expect(groups[0].occurrence_count).toBe(2);
  });

  it('groups recurrences, follows the latest severity and keeps the first environment', async () => {
    const p = await createProject(receiver.app);
    const base = { message: 'Same', error_type: 'TypeError', file: 'a.js', line: 3 };
    await send(p.secretKey, { ...base, severity: 'warning', environment: 'development' });
    await Promise.all([
      send(p.secretKey, { ...base, severity: 'critical', environment: 'production' }),
      send(p.secretKey, { ...base, severity: 'critical', environment: 'production' }),
    ]);
    const [group] = await groupsOf(p.id);
    expect(group).toMatchObject({
      occurrence_count: 3,
      severity: 'critical',
      environment: 'development',
    });
    expect(await eventsOf(p.id)).toHaveLength(3);
  });

  it('reopens a resolved group on recurrence but leaves an ignored group ignored', async () => {
    const p = await createProject(receiver.app);
    await send(p.secretKey, { message: 'resolved one' });
    await send(p.secretKey, { message: 'ignored one' });
    const [resolved, ignored] = await groupsOf(p.id);
    await db().getRepository(ErrorGroupEntity).update(resolved.id, { status: 'resolved' });
    await db().getRepository(ErrorGroupEntity).update(ignored.id, { status: 'ignored' });
    await send(p.secretKey, { message: 'resolved one' });
    await send(p.secretKey, { message: 'ignored one' });
    const after = await groupsOf(p.id);
    expect(after.map((g) => g.status)).toEqual(['open', 'ignored']);
  });

  it('counts a coalesced report by its occurrences: the group, errors-trend and error-detail', async () => {
    const p = await createProject(receiver.app);
    const base = { message: 'Coalesced', error_type: 'LoopError', file: 'loop.ts', line: 7 };
    expect((await send(p.secretKey, base)).status).toBe(202);
    expect((await send(p.secretKey, { ...base, occurrences: 250 })).status).toBe(202);
    expect((await send(p.secretKey, { ...base, occurrences: null })).status).toBe(202);
    const [group] = await groupsOf(p.id);
    expect(group.occurrence_count).toBe(252);
    expect((await eventsOf(p.id)).map((e) => e.occurrences)).toEqual([1, 250, 1]);

    const get = async (path: string) =>
      (await receiver.http.get(`/api/analytics/${path}`, testHeaders(p.secretKey))).body.data;
    const trend = await get('errors-trend.php?range=7d');
    expect(trend).toMatchObject({ total_occurrences: 252, total_groups: 1 });
    expect(trend.top_groups).toEqual([expect.objectContaining({ id: group.id, occurrences: 252 })]);
    expect(trend.over_time.map((d: { occurrences: number }) => d.occurrences)).toEqual([252]);
    const detail = await get(`error-detail.php?range=7d&id=${group.id}`);
    expect(detail.group.occurrence_count).toBe(252);
    expect(detail.over_time.map((d: { occurrences: number }) => d.occurrences)).toEqual([252]);
  });

  it('believes occurrences from the secret key only: with the public key a report counts once', async () => {
    const p = await createProject(receiver.app);
    expect((await send(p.publicKey, { message: 'From a page', occurrences: 5000 })).status).toBe(
      202,
    );
    const [group] = await groupsOf(p.id);
    expect(group.occurrence_count).toBe(1);
    expect((await eventsOf(p.id))[0].occurrences).toBe(1);
  });

  it('answers 400 for an occurrences that is not an integer from 1 to 100000, and stores nothing', async () => {
    const p = await createProject(receiver.app);
    for (const occurrences of [0, -1, 1.5, '3', true, 100_001, 1e12, [2], {}]) {
      for (const key of [p.secretKey, p.publicKey]) {
        const res = await send(key, { message: 'absurd', occurrences });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          success: false,
          message: 'occurrences must be an integer from 1 to 100000',
        });
      }
    }
    expect((await send(p.secretKey, { message: 'absurd', occurrences: 100_000 })).status).toBe(202);
    expect((await groupsOf(p.id)).map((g) => g.occurrence_count)).toEqual([100_000]);
  });

  it('answers 400 "message is required" for a missing or blank message', async () => {
    for (const body of [{ error_type: 'X' }, { message: '  ' }]) {
      const res = await send(project.secretKey, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: 'message is required' });
    }
  });

  it('answers 401 "Invalid API key" for no key, and for a public key from a foreign domain', async () => {
    const noKey = await receiver.http.post(PATH, { message: 'x' }, { 'X-Test-Mode': 'phpunit' });
    expect(noKey.status).toBe(401);
    expect(noKey.body.message).toBe('Invalid API key');
    const foreign = await send(
      project.publicKey,
      { message: 'x' },
      { Origin: 'https://evil.test' },
    );
    expect(foreign.status).toBe(401);
    expect(foreign.body.message).toBe('Invalid API key');
  });

  it('does not filter bots on the error endpoint', async () => {
    const p = await createProject(receiver.app);
    const res = await receiver.http.post(
      PATH,
      { message: 'from curl' },
      { 'X-API-Key': p.secretKey, 'User-Agent': 'curl/8.5.0' },
    );
    expect(res.status).toBe(202);
    expect(await eventsOf(p.id)).toHaveLength(1);
  });
});
