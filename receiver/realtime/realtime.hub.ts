import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { CommittedEvent } from '../events/committed-event.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import type {
  RealtimeAlert,
  RealtimeChannel,
  RealtimeMessage,
} from './interfaces/realtime.interfaces';
import { LiveVisitorsTracker } from './live-visitors.tracker';
import { RealtimeClient, type RealtimeTransport } from './realtime-client';
import { RealtimeFrame } from './realtime-frame';

/**
 * How long a project's messages gather before they go out: one frame per client per tick, its
 * bytes built once per channel selection, instead of one socket write per event and client.
 */
const TICK_MS = 25;
/** A busier tick goes out early, in frames of at most this many messages. */
const MAX_FRAME_MESSAGES = 256;

const message = (
  channel: RealtimeChannel,
  data: unknown,
  coalesceKey?: string,
): RealtimeMessage => ({ channel, json: JSON.stringify({ channel, data }), coalesceKey });

/**
 * The subscribers of this process, by project, and what each channel sends them. Every message is
 * serialised once; a project's messages are gathered for {@link TICK_MS} and sent as one frame to
 * each of its clients, the frame shared by all clients with the same channels. Fed by the fan-out
 * with the events and alerts of every process.
 */
@Injectable()
export class RealtimeHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private readonly clients = new Map<number, Set<RealtimeClient>>();
  private total = 0;
  private droppedByGone = 0;
  /** Messages of the current tick, by project. */
  private readonly pending = new Map<number, RealtimeMessage[]>();
  private tick: NodeJS.Timeout | undefined;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly visitors: LiveVisitorsTracker,
  ) {
    visitors.listen((projectId, count) =>
      this.send(projectId, message('visitors', { count }, 'visitors')),
    );
  }

  /** Clients connected to this process. */
  get size(): number {
    return this.total;
  }

  /**
   * What the outboxes hold: connected clients, messages waiting for slow ones, and feed messages
   * dropped since start (disconnected clients included).
   */
  figures(): { clients: number; waiting: number; dropped: number } {
    let waiting = 0;
    let dropped = this.droppedByGone;
    for (const set of this.clients.values()) {
      for (const client of set) {
        waiting += client.waiting;
        dropped += client.dropped;
      }
    }
    return { clients: this.total, waiting, dropped };
  }

  /** Whether one more client fits under `realtime.maxClients`. */
  hasRoom(): boolean {
    return this.total < this.options.realtime.maxClients;
  }

  /** Registers a connected client; returns the function to call when it disconnects. */
  connect(
    projectId: number,
    channels: ReadonlySet<RealtimeChannel>,
    transport: RealtimeTransport,
  ): { client: RealtimeClient; disconnect: () => void } {
    const { maxBufferedBytes, maxQueuedMessages } = this.options.realtime;
    const client = new RealtimeClient(projectId, channels, transport, {
      maxBufferedBytes,
      maxQueuedMessages,
    });
    let set = this.clients.get(projectId);
    if (!set) this.clients.set(projectId, (set = new Set()));
    set.add(client);
    this.total++;
    client.push({
      channel: 'hello',
      json: JSON.stringify({ channel: 'hello', data: { projectId, channels: [...channels] } }),
    });
    if (channels.has('visitors')) {
      this.visitors.watch(projectId).then(
        (count) => client.push(message('visitors', { count }, 'visitors')),
        (error: unknown) => this.logger.warn((error as Error).message),
      );
    }
    let connected = true;
    const disconnect = (): void => {
      if (!connected) return;
      connected = false;
      client.dispose();
      this.droppedByGone += client.dropped;
      set.delete(client);
      if (set.size === 0) this.clients.delete(projectId);
      this.total--;
      if (channels.has('visitors')) this.visitors.unwatch(projectId);
    };
    return { client, disconnect };
  }

  /**
   * Committed events of any process, once each; `committedAt` is when their batch committed
   * (epoch ms), sent with each event.
   */
  deliverEvents(events: readonly CommittedEvent[], committedAt: number): void {
    for (const event of events) {
      if (event.type === 'pageview') {
        this.visitors.seen(event.projectId, event.sessionId, event.timestamp);
      }
      if (!this.clients.has(event.projectId)) continue;
      const built = toMessage(event, committedAt);
      if (built) this.send(event.projectId, built);
    }
  }

  /** An alert firing, once per process. */
  deliverAlert(alert: RealtimeAlert): void {
    if (this.clients.has(alert.projectId)) this.send(alert.projectId, message('alerts', alert));
  }

  /**
   * Before the HTTP server closes: it waits for its connections, and an event stream never ends
   * by itself — a receiver with one SSE client connected did not stop on SIGTERM.
   */
  beforeApplicationShutdown(): void {
    this.closeAll();
  }

  /** Closes every client (shutdown). */
  closeAll(): void {
    if (this.tick) clearTimeout(this.tick);
    this.tick = undefined;
    this.pending.clear();
    for (const set of this.clients.values()) for (const client of set) client.close();
  }

  /** Adds a message to its project's tick. */
  private send(projectId: number, built: RealtimeMessage): void {
    if (!this.clients.has(projectId)) return;
    let messages = this.pending.get(projectId);
    if (!messages) this.pending.set(projectId, (messages = []));
    messages.push(built);
    if (messages.length >= MAX_FRAME_MESSAGES) {
      this.pending.delete(projectId);
      this.sendFrames(projectId, messages);
      return;
    }
    this.tick ??= setTimeout(() => this.endTick(), TICK_MS).unref();
  }

  private endTick(): void {
    this.tick = undefined;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [projectId, messages] of pending) this.sendFrames(projectId, messages);
  }

  /** One frame per client: built once per distinct set of channels, shared by those clients. */
  private sendFrames(projectId: number, messages: readonly RealtimeMessage[]): void {
    const set = this.clients.get(projectId);
    if (!set) return;
    const frames = new Map<string, RealtimeFrame | null>();
    for (const client of set) {
      let frame = frames.get(client.channelsKey);
      if (frame === undefined) {
        const wanted = messages.filter((m) => client.wants(m.channel as RealtimeChannel));
        frame = wanted.length > 0 ? new RealtimeFrame(wanted) : null;
        frames.set(client.channelsKey, frame);
      }
      if (frame) client.deliver(frame);
    }
  }
}

/** The channel message of a committed event (audits and clicks have no channel yet). */
function toMessage(event: CommittedEvent, committedAt: number): RealtimeMessage | undefined {
  switch (event.type) {
    case 'pageview': {
      const { type: _type, projectId: _project, ...data } = event;
      return message('pageviews', { ...data, committedAt });
    }
    case 'error': {
      const { type: _type, projectId: _project, ...data } = event;
      return message('errors', { ...data, committedAt });
    }
    case 'telemetry': {
      const { type: _type, projectId: _project, ...data } = event;
      // A slow client gets each host's latest values, not every report.
      return message('telemetry', { ...data, committedAt }, `telemetry:${event.hostId}`);
    }
    default:
      return undefined;
  }
}
