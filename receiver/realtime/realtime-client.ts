import type { RealtimeChannel, RealtimeMessage } from './interfaces/realtime.interfaces';

/** What a client's connection offers the outbox: WebSocket and SSE each implement it. */
export interface RealtimeTransport {
  /** Bytes written but not yet sent to the network (ws `bufferedAmount`, SSE `writableLength`). */
  bufferedBytes(): number;
  send(message: RealtimeMessage): void;
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
 * memory. Messages go straight to the socket while it holds less than `maxBufferedBytes`; beyond
 * that, state messages (visitor count, a host's values) wait by key — a newer one replaces the
 * older — and feed messages wait up to `maxQueuedMessages`, after which they are dropped and
 * counted. Once the client catches up it is told how many it missed (`dropped` channel).
 */
export class RealtimeClient {
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
  ) {}

  wants(channel: RealtimeChannel): boolean {
    return this.channels.has(channel);
  }

  /** Messages waiting in this process for the socket (not counting the socket's own buffer). */
  get waiting(): number {
    return this.queue.length + this.latest.size;
  }

  push(message: RealtimeMessage): void {
    if (this.closed) return;
    if (this.waiting === 0 && this.dropped === this.announcedDrops && this.hasRoom()) {
      this.transport.send(message);
      return;
    }
    if (message.coalesceKey !== undefined) {
      this.latest.delete(message.coalesceKey);
      this.latest.set(message.coalesceKey, message);
    } else if (this.queue.length < this.limits.maxQueuedMessages) {
      this.queue.push(message);
    } else {
      this.dropped++;
    }
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

  private hasRoom(): boolean {
    return this.transport.bufferedBytes() < this.limits.maxBufferedBytes;
  }

  private flush(): void {
    if (this.closed) return;
    while (this.hasRoom()) {
      const next = this.next();
      if (!next) return;
      this.transport.send(next);
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
