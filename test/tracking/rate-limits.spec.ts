import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { browserHeaders, createProject, pageviewBody } from './tracking-fixtures';

describeEachAdapter('rate limits of the tracking endpoints', ({ adapter, engine }) => {
  const receiver = useReceiverApp({ adapter, engine });

  it('blocks the 61st audit of a minute with 429 while other tracking endpoints keep their own count', async () => {
    const project = await createProject(receiver.app);
    const headers = browserHeaders(project.secretKey);
    for (let i = 0; i < 60; i++) {
      const res = await receiver.http.post('/api/track/audit.php', { action: `a${i}` }, headers);
      expect(res.status).toBe(202);
    }
    const blocked = await receiver.http.post('/api/track/audit.php', { action: 'x' }, headers);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      error: 'Too many attempts. You are temporarily blocked.',
    });
    const error = await receiver.http.post('/api/track/error.php', { message: 'still' }, headers);
    expect(error.status).toBe(202);
    const view = await receiver.http.post(
      '/api/track/pageview.php',
      pageviewBody(),
      browserHeaders(project.publicKey),
    );
    expect(view.status).toBe(202);
  });
});
