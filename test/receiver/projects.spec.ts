import type { DataSource } from 'typeorm';
import { ProjectDataRegistry } from '../../receiver/projects/project-data.registry';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import { seedAnalytics } from '../analytics/analytics-fixtures';
import { seedSamples } from '../lifecycle/lifecycle-fixtures';
import { adminHeaders, describeReceiver, useReceiverApp } from '../support/receiver-app';
import { availableEngines } from '../support/services';

// The test hook keeps the per-minute admin limits (5 creates) out of these functional checks.
const admin = adminHeaders({ 'X-Test-Mode': 'phpunit' });

describeReceiver('projects API', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  const post = (path: string, body: unknown, headers = admin) =>
    receiver.http.post(`/api/projects/${path}`, body, headers);
  const create = async (name = 'Shop', domains: unknown = ['shop.example.com']) =>
    (await post('create.php', { name, allowed_domains: domains })).body.data;

  describe('create', () => {
    it('creates a project with cleaned domains and fresh keys, answering 200', async () => {
      const res = await post('create.php', {
        name: '  My Shop  ',
        allowed_domains: ['https://Shop.Example.com///', 'http://shop.example.com', ' ', 'b.io'],
      });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe(
        'Project created. Store your secret_key safely \u2014 it will not be shown again.',
      );
      expect(res.body.data).toMatchObject({
        name: 'My Shop',
        allowed_domains: ['shop.example.com', 'b.io'],
      });
      expect(res.body.data.id).toEqual(expect.any(Number));
      expect(res.body.data.secret_key).toMatch(/^[0-9a-f]{64}$/);
      expect(res.body.data.public_key).toMatch(/^[0-9a-f]{32}$/);
    });

    it.each([
      [{ allowed_domains: ['a.com'] }, 'name is required'],
      [{ name: '0', allowed_domains: ['a.com'] }, 'name is required'],
      [{ name: 'x' }, 'allowed_domains must be a non-empty array'],
      [{ name: 'x', allowed_domains: 'a.com' }, 'allowed_domains must be a non-empty array'],
      [{ name: 'x', allowed_domains: [] }, 'allowed_domains must be a non-empty array'],
      [{ name: 'é'.repeat(51), allowed_domains: ['a.com'] }, 'name must be 100 characters or less'],
      [
        { name: 'x', allowed_domains: Array.from({ length: 21 }, (_, i) => `d${i}.com`) },
        'Maximum 20 allowed domains per project',
      ],
      [
        { name: 'x', allowed_domains: ['a'.repeat(254)] },
        `Domain '${'a'.repeat(254)}' is too long`,
      ],
      [{ name: 'x', allowed_domains: ['https://', ' /'] }, 'No valid domains provided'],
      [{ name: ['x'], allowed_domains: ['a.com'] }, 'name must be a string'],
    ])('rejects %j with 400 "%s" and stores nothing', async (body, message) => {
      const before = (await receiver.http.get('/api/projects/list.php', admin)).body.data.count;
      const res = await post('create.php', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message });
      const after = (await receiver.http.get('/api/projects/list.php', admin)).body.data.count;
      expect(after).toBe(before);
    });

    it('refuses a wrong or missing admin key with 401 Unauthorized', async () => {
      for (const headers of [{}, { 'X-Admin-Key': 'nope' }, { 'X-Admin-Key': '' }] as Array<
        Record<string, string>
      >) {
        const res = await post('create', { name: 'x', allowed_domains: ['a.com'] }, headers);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ success: false, message: 'Unauthorized' });
      }
    });
  });

  it('lists projects newest first with stats, without secret keys', async () => {
    const created = await create('Listed');
    const res = await receiver.http.get('/api/projects/list', admin);
    expect(res.status).toBe(200);
    expect(res.body.message).toBe('Projects fetched successfully');
    const [first] = res.body.data.projects;
    expect(first).toMatchObject({
      id: created.id,
      name: 'Listed',
      public_key: created.public_key,
      allowed_domains: ['shop.example.com'],
      is_active: true,
      stats: { total_links: 0, total_pageviews: 0, total_errors: 0 },
    });
    expect(first.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.stringify(res.body)).not.toContain(created.secret_key);
  });

  describe('edit', () => {
    it('renames and replaces domains', async () => {
      const { id } = await create();
      const res = await post('edit.php', { id, name: 'Renamed', allowed_domains: ['New.io'] });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ id, name: 'Renamed', allowed_domains: ['new.io'] });
    });

    it.each([
      [{ name: 'x' }, 400, 'id is required'],
      [{ id: 'abc', name: 'x' }, 400, 'id is required'],
      [{ id: 999_999, name: 'x' }, 404, 'Project not found'],
      [{ id: 'SELF' }, 400, 'Nothing to update. Provide name or allowed_domains.'],
      [{ id: 'SELF', name: null }, 400, 'Nothing to update. Provide name or allowed_domains.'],
      [{ id: 'SELF', name: '  ' }, 400, 'name cannot be empty'],
      [{ id: 'SELF', allowed_domains: [] }, 400, 'allowed_domains must be a non-empty array'],
      [{ id: 'SELF', token_policy: 'sometimes' }, 400, "token_policy must be 'auto' or 'approval'"],
    ] as Array<[Record<string, unknown>, number, string]>)(
      'rejects %j with %i "%s"',
      async (body, status, message) => {
        const { id } = await create();
        const res = await post('edit.php', { ...body, id: body.id === 'SELF' ? id : body.id });
        expect(res.status).toBe(status);
        expect(res.body).toEqual({ success: false, message });
      },
    );
  });

  describe('toggle', () => {
    it('flips the state, and a disabled project keys behave as unknown', async () => {
      const project = await create();
      const off = await post('toggle.php', { id: project.id });
      expect(off.body).toEqual({
        success: true,
        message: 'Project "Shop" disabled successfully.',
        data: { id: project.id, name: 'Shop', is_active: false },
      });
      const verify = await post('verify.php', { key: project.secret_key });
      expect(verify.body.data).toEqual({ valid: false });
      const on = await post('toggle', { id: project.id, is_active: true });
      expect(on.body.message).toBe('Project "Shop" enabled successfully.');
      expect((await post('verify.php', { key: project.secret_key })).body.data.valid).toBe(true);
    });

    it('requires a JSON boolean for is_active', async () => {
      const { id } = await create();
      const res = await post('toggle.php', { id, is_active: 'false' });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('is_active must be a boolean');
    });
  });

  describe('regenerate-keys', () => {
    it('rotates only the requested key and invalidates the old one at once', async () => {
      const project = await create();
      const res = await post('regenerate-keys.php', { id: project.id, rotate_public: false });
      expect(res.status).toBe(200);
      expect(res.body.message).toBe(
        'Keys rotated successfully (secret_key). Old keys are invalidated immediately. Update your snippet and callers now.',
      );
      expect(res.body.data).not.toHaveProperty('public_key');
      expect(res.body.data.secret_key).not.toBe(project.secret_key);
      expect((await post('verify.php', { key: project.secret_key })).body.data.valid).toBe(false);
      expect((await post('verify.php', { key: project.public_key })).body.data.valid).toBe(true);
    });

    it('refuses to rotate nothing before looking the project up', async () => {
      const res = await post('regenerate-keys', {
        id: 999_999,
        rotate_secret: false,
        rotate_public: 0,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(
        'Nothing to rotate. Set rotate_secret and/or rotate_public to true.',
      );
    });
  });

  describe('delete', () => {
    it('needs the exact name as confirmation, then removes the project', async () => {
      const project = await create('Doomed');
      const wrong = await post('delete.php', { id: project.id, confirm: 'doomed' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.message).toBe(
        'Confirmation failed. Pass "confirm": "Doomed" to permanently delete this project.',
      );
      const res = await post('delete.php', { id: project.id, confirm: ' Doomed ' });
      expect(res.body).toEqual({
        success: true,
        message: 'Project "Doomed" and all its data have been permanently deleted.',
        data: { id: project.id, name: 'Doomed' },
      });
      expect((await post('delete.php', { id: project.id, confirm: 'Doomed' })).status).toBe(404);
    });
  });

  describe('delete, across domains', () => {
    const ds = () => receiver.app.get<DataSource>(RECEIVER_DATA_SOURCE);
    // Every table of the schema with a project_id column, read from the entities themselves.
    const projectTables = () =>
      ds()
        .entityMetadatas.filter((entity) => entity.findColumnWithPropertyName('project_id'))
        .map((entity) => entity.tableName)
        .sort();
    const rowsOf = async (projectId: number) => {
      const counts: Record<string, number> = {};
      for (const table of projectTables()) {
        const [row] = await ds().query(
          `SELECT COUNT(*) AS n FROM ${table} WHERE project_id = ${Number(projectId)}`,
        );
        counts[table] = Number(row.n);
      }
      return counts;
    };

    it('every table holding project rows is owned by a domain that deletes them', () => {
      const owned = receiver.app
        .get(ProjectDataRegistry)
        .owners()
        .flatMap((owner) => owner.tables);
      expect([...owned].sort()).toEqual(projectTables());
    });

    // Seeding every domain over HTTP takes ~30 s on PostgreSQL/MariaDB on a loaded machine.
    it('lists what the domains count, then deletes every row of the project and none of another', async () => {
      const seed = await seedAnalytics(receiver);
      await seedSamples(ds(), seed.project.id, [new Date()]);
      await seedSamples(ds(), seed.other.id, [new Date()]);
      const before = await rowsOf(seed.project.id);
      const other = await rowsOf(seed.other.id);
      const seeded = Object.keys(before).filter((table) => before[table] > 0);
      expect(seeded).toEqual(
        expect.arrayContaining([
          'pageviews',
          'sessions',
          'visitors',
          'devices',
          'locations',
          'error_events',
          'error_groups',
          'audit_logs',
          'tracked_links',
          'link_clicks',
          'telemetry_hosts',
          'telemetry_samples',
        ]),
      );
      const listed = (await receiver.http.get('/api/projects/list.php', admin)).body.data.projects;
      expect(listed.find((p: { id: number }) => p.id === seed.project.id).stats).toEqual({
        total_links: before.tracked_links,
        total_pageviews: before.pageviews,
        total_errors: before.error_groups,
      });

      const res = await post('delete.php', { id: seed.project.id, confirm: 'Site' });
      expect(res.status).toBe(200);
      const after = await rowsOf(seed.project.id);
      expect(Object.values(after).every((n) => n === 0)).toBe(true);
      expect(await rowsOf(seed.other.id)).toEqual(other);
    }, 120_000);
  });

  describe('verify', () => {
    it('identifies secret and public keys and ignores the X-API-Key header', async () => {
      const project = await create('Verified', ['a.com', 'b.com']);
      const secret = await post('verify.php', { key: project.secret_key }, { 'X-API-Key': 'x' });
      expect(secret.body).toEqual({
        success: true,
        message: 'Key verified',
        data: {
          valid: true,
          key_type: 'secret',
          project_name: 'Verified',
          allowed_domains: ['a.com', 'b.com'],
        },
      });
      const pub = await post('verify', { key: project.public_key });
      expect(pub.body.data.key_type).toBe('public');
      const unknown = await post('verify.php', { key: 'f'.repeat(64) });
      expect(unknown.status).toBe(200);
      expect(unknown.body.data).toEqual({ valid: false });
      expect((await post('verify.php', { key: '' })).body.message).toBe('key is required');
    });
  });
});

// MariaDB on the collation most servers default to (`utf8mb4_general_ci`) compares keys
// regardless of letter case; the other engines, and MariaDB on a binary collation, do not.
describe.each(availableEngines())(
  'verify and the key checks agree on letter case [%s]',
  (engine) => {
    const receiver = useReceiverApp({
      adapter: 'fastify',
      engine,
      mariadbCollation: 'utf8mb4_general_ci',
    });

    it('does not call an upper-cased key valid, as every endpoint answers it 401', async () => {
      const project = (
        await receiver.http.post(
          '/api/projects/create.php',
          { name: 'Cased', allowed_domains: ['cased.example'] },
          admin,
        )
      ).body.data;
      for (const key of [project.secret_key, project.public_key]) {
        const upper = String(key).toUpperCase();
        const verify = await receiver.http.post('/api/projects/verify.php', { key: upper });
        expect({ key, data: verify.body.data }).toEqual({ key, data: { valid: false } });
      }
      const analytics = await receiver.http.get('/api/analytics/visitors.php', {
        'X-API-Key': String(project.secret_key).toUpperCase(),
      });
      expect(analytics.status).toBe(401);
      const exact = await receiver.http.post('/api/projects/verify.php', {
        key: project.public_key,
      });
      expect(exact.body.data.valid).toBe(true);
    });
  },
);
