import { RealtimeClient, type RealtimeTransport } from '../../receiver/realtime/realtime-client';
import { RealtimeHub } from '../../receiver/realtime/realtime.hub';
import { RealtimeTokensService } from '../../receiver/realtime/realtime-tokens.service';
import type { RealtimeMessage } from '../../receiver/realtime/interfaces/realtime.interfaces';
import { describeEachAdapter, useReceiverApp } from '../support/receiver-app';
import { createProject } from '../tracking/tracking-fixtures';
import { paddedError } from './realtime-fixtures';
import { openEventStream, openWebSocket } from './realtime-clients';

// The clients here are slow, not gone: on a loaded machine the SSE test may keep one paused past
// the 30 s after which the receiver closes a stream that takes no bytes (sse-stalled-clients.spec).
jest.mock('../../receiver/realtime/realtime-sse.liveness', () => ({
  ...jest.requireActual('../../receiver/realtime/realtime-sse.liveness'),
  SSE_CHECK_MS: 10 * 60_000,
}));

const feedMessage = (n: number): RealtimeMessage => ({
  channel: 'pageviews',
  json: JSON.stringify({ channel: 'pageviews', data: { n } }),
});
const countMessage = (count: number): RealtimeMessage => ({
  channel: 'visitors',
  json: JSON.stringify({ channel: 'visitors', data: { count } }),
  coalesceKey: 'visitors',
});

describe('a slow realtime client', () => {
  /** A socket whose buffer is full until `drain()`. */
  function stuckTransport() {
    const sent: string[] = [];
    let full = true;
    const transport: RealtimeTransport = {
      bufferedBytes: () => (full ? 10_000 : 0),
      send: (frame) => sent.push(...frame.messages.map((message) => message.json)),
      close: () => undefined,
    };
    return { transport, sent, drain: () => (full = false) };
  }

  it('holds at most maxQueuedMessages feed messages, drops the rest and counts them', () => {
    const { transport, sent } = stuckTransport();
    const client = new RealtimeClient(1, new Set(['pageviews', 'visitors']), transport, {
      maxBufferedBytes: 1024,
      maxQueuedMessages: 10,
    });
    for (let n = 0; n < 10_000; n++) client.push(feedMessage(n));
    expect(sent).toEqual([]);
    expect(client.waiting).toBe(10);
    expect(client.dropped).toBe(9_990);
    client.dispose();
  });

  it('keeps only the latest state message and, once it catches up, says how many it missed', async () => {
    const { transport, sent, drain } = stuckTransport();
    const client = new RealtimeClient(1, new Set(['pageviews', 'visitors']), transport, {
      maxBufferedBytes: 1024,
      maxQueuedMessages: 2,
    });
    for (let n = 0; n < 5; n++) client.push(feedMessage(n));
    for (let count = 1; count <= 100; count++) client.push(countMessage(count));
    expect(client.waiting).toBe(3);
    drain();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent.map((json) => JSON.parse(json))).toEqual([
      { channel: 'visitors', data: { count: 100 } },
      { channel: 'pageviews', data: { n: 0 } },
      { channel: 'pageviews', data: { n: 1 } },
      { channel: 'dropped', data: { count: 3 } },
    ]);
    client.push(feedMessage(99));
    expect(JSON.parse(sent.at(-1)!)).toEqual({ channel: 'pageviews', data: { n: 99 } });
    client.dispose();
  });
});

describeEachAdapter('a WebSocket client that stops reading', ({ adapter, engine }) => {
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { realtime: { enabled: true, maxBufferedBytes: 64 * 1024, maxQueuedMessages: 20 } },
  });

  it('costs the receiver a bounded outbox, not memory for every event, and learns what it missed', async () => {
    const project = await createProject(receiver.app);
    const ws = await openWebSocket(receiver.url, {
      headers: { 'X-API-Key': project.secretKey },
      query: 'channels=errors',
    });
    await ws.next((m) => m.channel === 'hello');
    // The client's process stops reading: the kernel buffers fill, then ws's bufferedAmount.
    (ws.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const hub = receiver.app.get(RealtimeHub);
    const big = 'x'.repeat(8 * 1024);
    // 20 000 × 8 KB = 160 MB offered to one client.
    for (let batch = 0; batch < 200; batch++) {
      hub.deliverEvents(
        Array.from({ length: 100 }, (_, i) => paddedError(project.id, batch * 100 + i, big)),
        Date.now(),
      );
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The hub's last tick goes out.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const figures = hub.figures();
    expect(figures.waiting).toBeLessThanOrEqual(20);
    expect(figures.dropped).toBeGreaterThan(15_000);

    (ws.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    const notice = await ws.next((m) => m.channel === 'dropped', 20_000);
    expect(notice.data.count).toBeGreaterThan(15_000);
    ws.close();
  }, 60_000);
});

describeEachAdapter('an SSE client that stops reading', ({ adapter, engine }) => {
  const maxQueuedMessages = 20;
  const receiver = useReceiverApp({
    adapter,
    engine,
    options: { realtime: { enabled: true, maxBufferedBytes: 64 * 1024, maxQueuedMessages } },
  });

  it('costs a bounded outbox, does not hold back the other clients, and learns what it missed', async () => {
    const project = await createProject(receiver.app);
    const token = receiver.app.get(RealtimeTokensService).mint(project.id, 600).token;
    const query = `token=${token}&channels=errors`;
    const slow = await openEventStream(receiver.url, { query });
    const fast = await openEventStream(receiver.url, { query });
    for (const client of [slow, fast]) await client.next((m) => m.channel === 'hello');
    // The slow client's process stops reading: the kernel buffers fill, then the response's.
    slow.pause();
    const hub = receiver.app.get(RealtimeHub);
    const big = 'x'.repeat(64 * 1024);
    // 640 × 64 KB = 40 MB offered to each client, in batches the fast client reads as they come.
    const total = 640;
    for (let n = 0; n < total; n += 10) {
      hub.deliverEvents(
        Array.from({ length: 10 }, (_, i) => paddedError(project.id, n + i, big)),
        Date.now(),
      );
      await fast.next((m) => m.channel === 'errors' && m.data.occurrences === n + 9, 20_000);
    }
    const figures = hub.figures();
    expect(figures.waiting).toBeLessThanOrEqual(maxQueuedMessages);
    expect(figures.dropped).toBeGreaterThan(total / 2);
    // The fast client got every message, in order, and missed none.
    const got = fast.messages.filter((m) => m.channel === 'errors');
    expect(got.map((m) => m.data.occurrences)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(fast.messages.some((m) => m.channel === 'dropped')).toBe(false);

    slow.resume();
    const notice = await slow.next((m) => m.channel === 'dropped', 20_000);
    // Everything it did not get was counted: the notice and what arrived make the whole.
    expect(notice.data.count).toBe(figures.dropped);
    const arrived = slow.messages.filter((m) => m.channel === 'errors').length;
    expect(arrived + notice.data.count).toBe(total);
    for (const client of [slow, fast]) client.close();
  }, 120_000);
});
