import type { DataSource } from 'typeorm';
import type { ResolvedReceiverOptions } from '../../receiver/config/receiver-options.interface';
import type { CommittedError, CommittedPageview } from '../../receiver/events';
import type { RealtimeChannel } from '../../receiver/realtime/interfaces/realtime.interfaces';
import { LiveVisitorsTracker } from '../../receiver/realtime/live-visitors.tracker';
import type { RealtimeFrame } from '../../receiver/realtime/realtime-frame';
import { RealtimeHub } from '../../receiver/realtime/realtime.hub';

const PROJECT = 7;
const error = (n: number): CommittedError => ({
  type: 'error',
  projectId: PROJECT,
  timestamp: 1000 + n,
  groupId: 1,
  eventId: `e${n}`,
  message: `failure ${n}`,
  errorType: 'Error',
  severity: 'error',
  environment: 'production',
  newGroup: false,
  regression: false,
  occurrences: n,
});
const pageview = (n: number): CommittedPageview => ({
  type: 'pageview',
  projectId: PROJECT,
  timestamp: 2000 + n,
  eventId: `p${n}`,
  url: `https://shop.example.com/${n}`,
  title: `Page ${n}`,
  visitorId: 1,
  sessionId: 1,
  isNewSession: false,
});
const parse = (frame: RealtimeFrame) =>
  JSON.parse(frame.webSocket.toString()) as Array<{
    channel: string;
    data: Record<string, unknown>;
  }>;
const afterTick = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('the realtime hub’s frames', () => {
  // Feeds without the visitor count never touch the database.
  const hub = new RealtimeHub(
    {
      realtime: { maxBufferedBytes: 1 << 20, maxQueuedMessages: 256, maxClients: 100 },
    } as ResolvedReceiverOptions,
    new LiveVisitorsTracker(undefined as unknown as DataSource),
  );
  const disconnects: Array<() => void> = [];
  afterEach(() => disconnects.splice(0).forEach((disconnect) => disconnect()));

  function subscriber(channels: RealtimeChannel[]): RealtimeFrame[] {
    const frames: RealtimeFrame[] = [];
    const { disconnect } = hub.connect(PROJECT, new Set(channels), {
      bufferedBytes: () => 0,
      send: (frame) => frames.push(frame),
      close: () => undefined,
    });
    disconnects.push(disconnect);
    return frames;
  }

  it('sends a burst as one frame per client, the same bytes to clients with the same channels', async () => {
    const first = subscriber(['errors']);
    const second = subscriber(['errors']);
    const views = subscriber(['pageviews']);
    for (const frames of [first, second, views]) {
      expect(parse(frames[0]).map((m) => m.channel)).toEqual(['hello']);
    }
    hub.deliverEvents(
      Array.from({ length: 10 }, (_, n) => [error(n), ...(n < 5 ? [pageview(n)] : [])]).flat(),
      4242,
    );
    expect(first).toHaveLength(1); // nothing before the tick ends
    await afterTick();

    expect(first).toHaveLength(2);
    expect(second[1]).toBe(first[1]);
    const errors = parse(first[1]);
    expect(errors.map((m) => m.channel)).toEqual(Array(10).fill('errors'));
    expect(errors.map((m) => m.data.eventId)).toEqual(
      Array.from({ length: 10 }, (_, n) => `e${n}`),
    );
    expect(errors[3].data).toMatchObject({
      message: 'failure 3',
      timestamp: 1003,
      committedAt: 4242,
    });

    expect(views).toHaveLength(2);
    expect(parse(views[1]).map((m) => m.data.url)).toEqual(
      Array.from({ length: 5 }, (_, n) => `https://shop.example.com/${n}`),
    );
    // Server-Sent Events keep one event per message, named after its channel.
    const events = views[1].eventStream.toString().split('\n\n').filter(Boolean);
    expect(events).toHaveLength(5);
    expect(events[0]).toBe(`event: pageviews\ndata: ${JSON.stringify(parse(views[1])[0])}`);
  });

  it('sends a tick larger than a frame holds early, in order, none lost', async () => {
    const frames = subscriber(['errors']);
    hub.deliverEvents(
      Array.from({ length: 600 }, (_, n) => error(n)),
      1,
    );
    await afterTick();
    const sizes = frames.slice(1).map((frame) => frame.messages.length);
    expect(sizes).toEqual([256, 256, 88]);
    const ids = frames.slice(1).flatMap((frame) => parse(frame).map((m) => m.data.eventId));
    expect(ids).toEqual(Array.from({ length: 600 }, (_, n) => `e${n}`));
  });
});
