import { adminHeaders, describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject, testHeaders } from './tracking-fixtures';

/** Tracking keys are cached for speed; admin changes must still take effect at once. */
describeEachAdapter('project key cache of the tracking endpoints', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });
  const audit = (key: string) =>
    receiver.http.post('/api/track/audit.php', { action: 'probe' }, testHeaders(key));

  it('rejects the keys of a project as soon as it is disabled', async () => {
    const project = await createProject(receiver.app);
    expect((await audit(project.secretKey)).status).toBe(202);
    const toggled = await receiver.http.post(
      '/api/projects/toggle.php',
      { id: project.id, is_active: false },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(toggled.status).toBe(200);
    const after = await audit(project.secretKey);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('Invalid API key');
  });

  it('rejects the old secret key as soon as the keys are rotated', async () => {
    const project = await createProject(receiver.app);
    expect((await audit(project.secretKey)).status).toBe(202);
    const rotated = await receiver.http.post(
      '/api/projects/regenerate-keys.php',
      { id: project.id },
      adminHeaders({ 'X-Test-Mode': 'phpunit' }),
    );
    expect(rotated.status).toBe(200);
    expect((await audit(project.secretKey)).status).toBe(401);
    expect((await audit(rotated.body.data.secret_key)).status).toBe(202);
  });
});
