import { RealtimeHub } from '../../receiver/realtime/realtime.hub';
import { RealtimeTokensService } from '../../receiver/realtime/realtime-tokens.service';
import { eventually } from '../support/eventually';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject } from '../tracking/tracking-fixtures';
import { paddedError } from './realtime-fixtures';
import { openEventStream } from './realtime-clients';

// The receiver looks at its SSE streams every 15 s; here every second, so that a stalled client is
// closed within a test's patience. What is checked is unchanged.
jest.mock('../../receiver/realtime/realtime-sse.liveness', () => ({
  ...jest.requireActual('../../receiver/realtime/realtime-sse.liveness'),
  SSE_CHECK_MS: 1000,
}));

describeEachAdapter('an SSE client that stopped reading for good', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { realtime: { enabled: true, maxBufferedBytes: 64 * 1024, maxQueuedMessages: 20 } },
  });

  // Closed whatever the outcome, so that a failed assertion does not leave the server waiting on them.
  const opened: { close(): void }[] = [];
  afterEach(() => opened.splice(0).forEach((client) => client.close()));

  it('is closed, freeing its outbox and its place, while an idle client stays', async () => {
    const project = await createProject(receiver.app);
    const token = receiver.app.get(RealtimeTokensService).mint(project.id, 600).token;
    const query = `token=${token}&channels=errors`;
    const stuck = await openEventStream(receiver.url, { query });
    const idle = await openEventStream(receiver.url, { query: `token=${token}&channels=alerts` });
    opened.push(stuck, idle);
    for (const client of [stuck, idle]) await client.next((m) => m.channel === 'hello');
    stuck.pause();
    const hub = receiver.app.get(RealtimeHub);
    expect(hub.figures().clients).toBe(2);
    // Enough to fill the kernel's buffers and the response's: bytes now wait on its socket.
    const big = 'x'.repeat(64 * 1024);
    for (let n = 0; n < 400; n += 10) {
      hub.deliverEvents(
        Array.from({ length: 10 }, (_, i) => paddedError(project.id, n + i, big)),
        Date.now(),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Its outbox overflowed: messages beyond `maxQueuedMessages` were dropped. (Counted rather than
    // watched: on a loaded machine the stream may already be closed when a poll would look.)
    const after = await eventually(
      async () => hub.figures(),
      (figures) => figures.clients === 1,
    );
    expect(after).toMatchObject({ clients: 1, waiting: 0 });
    expect(after.dropped).toBeGreaterThan(0);
    // The idle client, which had nothing waiting, is still served, checks later.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(hub.figures().clients).toBe(1);
    hub.deliverAlert({
      projectId: project.id,
      ruleId: 1,
      kind: 'new_error_group',
      message: 'still here',
      firedAt: Date.now(),
    });
    const alert = await idle.next((m) => m.channel === 'alerts');
    expect(alert.data.message).toBe('still here');
  }, 60_000);
});
