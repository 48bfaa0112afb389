import type { RealtimeChannel, RealtimeMessage } from './interfaces/realtime.interfaces';
import { RealtimeFrame } from './realtime-frame';

/** What a client's connection offers the outbox: WebSocket and SSE each implement it. */
export interface RealtimeTransport {
  /** Bytes written but not yet sent to the network (ws `bufferedAmount`, SSE `writableLength`). */
  bufferedBytes(): number;
  /** Writes one frame (its `webSocket` or `eventStream` form, shared with other clients). */
  send(frame: RealtimeFrame): void;
  close(): void;
}

/** Per-client bounds (from `realtime` options). */
export interface RealtimeClientLimits {
  maxBufferedBytes: number;
  maxQueuedMessages: number;
}

/** How long a client with a full socket waits before the outbox looks again. */
const RETRY_MS = 25;

/**
 * One subscriber: its project and channels, and an outbox that keeps a slow client from growing
 * memory. Frames go straight to the socket while it holds less than `maxBufferedBytes`; beyond
 * that, their messages wait: state messages (visitor count, a host's values) by key — a newer one
 * replaces the older — and feed messages up to `maxQueuedMessages`, after which they are dropped
 * and counted. Once the client catches up it gets what waited, in frames no larger than its
 * socket's room, and is told how many it missed (`dropped` channel).
 */
export class RealtimeClient {
  /** The channels as one string: clients with the same key get the same frames. */
  readonly channelsKey: string;
  private readonly queue: RealtimeMessage[] = [];
  private readonly latest = new Map<string, RealtimeMessage>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Feed messages this client never got (its socket and queue were full). */
  dropped = 0;
  private announcedDrops = 0;

  constructor(
    readonly projectId: number,
    readonly channels: ReadonlySet<RealtimeChannel>,
    private readonly transport: RealtimeTransport,
    private readonly limits: RealtimeClientLimits,
  ) {
    this.channelsKey = [...channels].sort().join(',');
  }

  wants(channel: RealtimeChannel): boolean {
    return this.channels.has(channel);
  }

  /** Messages waiting in this process for the socket (not counting the socket's own buffer). */
  get waiting(): number {
    return this.queue.length + this.latest.size;
  }

  /** One message for this client alone (the greeting, its first visitor count). */
  push(message: RealtimeMessage): void {
    this.deliver(new RealtimeFrame([message]));
  }

  /** A frame of messages this client wants, possibly shared with other clients. */
  deliver(frame: RealtimeFrame): void {
    if (this.closed) return;
    if (this.waiting === 0 && this.dropped === this.announcedDrops && this.hasRoom()) {
      this.transport.send(frame);
      return;
    }
    for (const message of frame.messages) this.hold(message);
    this.flush();
  }

  /** Stops sending; the connection is closing or closed. */
  dispose(): void {
    this.closed = true;
    this.queue.length = 0;
    this.latest.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.dispose();
    this.transport.close();
  }

  private hold(message: RealtimeMessage): void {
    if (message.coalesceKey !== undefined) {
      this.latest.delete(message.coalesceKey);
      this.latest.set(message.coalesceKey, message);
    } else if (this.queue.length < this.limits.maxQueuedMessages) {
      this.queue.push(message);
    } else {
      this.dropped++;
    }
  }

  private room(): number {
    return this.limits.maxBufferedBytes - this.transport.bufferedBytes();
  }

  private hasRoom(): boolean {
    return this.room() > 0;
  }

  private flush(): void {
    if (this.closed) return;
    for (let room = this.room(); room > 0; room = this.room()) {
      // As many waiting messages as the socket has room for (at least one).
      const messages: RealtimeMessage[] = [];
      for (let size = 0; size < room;) {
        const next = this.next();
        if (!next) break;
        messages.push(next);
        size += next.json.length;
      }
      if (messages.length === 0) return;
      this.transport.send(new RealtimeFrame(messages));
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, RETRY_MS);
    this.timer.unref();
  }

  private next(): RealtimeMessage | undefined {
    // State first (it is what a dashboard shows now), then the notice of a gap, then the feed.
    const [key, state] = this.latest.entries().next().value ?? [];
    if (key !== undefined && state) {
      this.latest.delete(key);
      return state;
    }
    if (this.dropped > this.announcedDrops && this.queue.length === 0) {
      this.announcedDrops = this.dropped;
      return {
        channel: 'dropped',
        json: JSON.stringify({ channel: 'dropped', data: { count: this.dropped } }),
      };
    }
    return this.queue.shift();
  }
}
