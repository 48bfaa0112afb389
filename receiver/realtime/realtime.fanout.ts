import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { OutageLog } from '../../lib/outage/outage.log';
import { redisCircuitOf } from '../common/redis/redis-circuit';
import { RECEIVER_REDIS } from '../common/redis/redis.providers';
import { createRedisClient } from '../common/redis/redis-client.factory';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { CommittedEventsBus } from '../events/committed-events.bus';
import type { CommittedEvent } from '../events/committed-event.interface';
import type { RealtimeAlert } from './interfaces/realtime.interfaces';
import { RealtimeHub } from './realtime.hub';
import { RealtimeMessages } from './realtime.messages';
import { READ_BLOCK_MS, RealtimeStreamReader, STALE_AFTER_MS } from './realtime-stream.reader';

/**
 * Entries the realtime stream keeps (`XADD MAXLEN ~`): one per committed batch or alert, far more
 * than a reader back within {@link STALE_AFTER_MS} needs, and a bound on Redis's memory.
 */
const STREAM_MAX_ENTRIES = 10_000;

/** What travels between processes: the events of one batch and when it committed, or one alert. */
type Payload = { events: CommittedEvent[]; committedAt: number } | { alert: RealtimeAlert };

/**
 * A payload with its identity: the publishing process (random per start), its sequence number
 * there, and when that process sent it (its own clock: only compared by the same process).
 */
type Envelope = Payload & { from: string; seq: number; sentAt: number };

/**
 * Brings every process's committed events and alerts to the subscribers of every process, once.
 * Without Redis it hands them to this process's hub. With Redis each process appends what it
 * committed to one stream (`<redisPrefix>realtime:stream`) and delivers what it reads there —
 * its own envelopes included — so each event reaches each process exactly once, whichever
 * process (HTTP receiver or queue worker) wrote it. Each process reads after the last entry it
 * delivered (see {@link RealtimeStreamReader}), so an instance whose connection to Redis dropped
 * gets what was published meanwhile once it is back — unlike pub/sub, which delivered it nowhere.
 * While appending fails, this process's envelopes go to its own hub instead; one that Redis stored
 * after all (a timed-out `XADD`) is recognised by its id when read back and not delivered again.
 */
@Injectable()
export class RealtimeFanout implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private readonly key: string;
  private readonly processId = randomUUID();
  private seq = 0;
  /**
   * Sequence numbers of this process's envelopes already given to the hub (read back, or locally
   * because `XADD` failed) → when. Kept {@link STALE_AFTER_MS}: an own envelope read back later
   * than that is skipped as stale anyway.
   */
  private readonly delivered = new Map<number, number>();
  private reading: { reader: RealtimeStreamReader; client: Redis; done: Promise<void> } | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly publishOutage = new OutageLog(
    this.logger,
    RealtimeMessages.publishFailed,
    RealtimeMessages.publishRecovered,
  );

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    @Inject(RECEIVER_REDIS) private readonly redis: Redis | null,
    private readonly bus: CommittedEventsBus,
    private readonly hub: RealtimeHub,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.key = `${options.redisPrefix}realtime:stream`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.realtime.enabled) return;
    // A process without an HTTP server (`receiver worker`) has no subscribers: it appends what it
    // commits and reads nothing back (each entry would be parsed for nobody).
    if (this.redis && this.options.redis && this.adapterHost.httpAdapter) {
      const client = createRedisClient(this.options.redis, {
        // A blocking read holds the connection up to READ_BLOCK_MS: the timeout counts from its end.
        commandTimeout: READ_BLOCK_MS + this.options.redisCommandTimeoutMs,
        // The prefix tells an operator (CLIENT LIST) which receiver deployment the reader is of.
        connectionName: `${this.options.redisPrefix}realtime-reader:${this.processId}`,
      });
      const outage = new OutageLog(
        this.logger,
        RealtimeMessages.readFailed,
        RealtimeMessages.readRecovered,
      );
      const reader = new RealtimeStreamReader(
        client,
        this.key,
        (text) => this.receive(text),
        outage,
      );
      this.reading = { reader, client, done: reader.run() };
      // Events this process commits once it serves requests are after the start point.
      await reader.started;
    }
    this.unsubscribe = this.bus.subscribe((events, committedAt) =>
      this.publish({ events: [...events], committedAt }),
    );
  }

  /** Sends an alert firing to the `alerts` subscribers of every process (call it once per firing). */
  publishAlert(alert: RealtimeAlert): void {
    if (this.options.realtime.enabled) this.publish({ alert });
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    const reading = this.reading;
    this.reading = undefined;
    if (!reading) return;
    reading.reader.stop();
    // Ends a blocking read at once instead of waiting it out.
    reading.client.disconnect();
    await reading.done;
  }

  private publish(payload: Payload): void {
    const envelope: Envelope = {
      ...payload,
      from: this.processId,
      seq: ++this.seq,
      sentAt: Date.now(),
    };
    if (!this.redis || !this.options.redis) {
      this.deliver(envelope);
      return;
    }
    // Through the server's circuit: while Redis is known down or hung, events go to this process's
    // subscribers at once instead of each waiting out a command timeout.
    const text = JSON.stringify(envelope);
    redisCircuitOf(this.redis)
      .run((redis) =>
        redis.xadd(this.key, 'MAXLEN', '~', STREAM_MAX_ENTRIES, '*', 'envelope', text),
      )
      .then(
        () => this.publishOutage.up(),
        (error: unknown) => {
          this.publishOutage.down(error);
          // Better this process's subscribers than none.
          this.deliverOwn(envelope);
        },
      );
  }

  private receive(text: string): void {
    try {
      const envelope = JSON.parse(text) as Envelope;
      if (envelope.from === this.processId) this.deliverOwn(envelope);
      else this.deliver(envelope);
    } catch (error) {
      this.logger.warn((error as Error).message);
    }
  }

  /** An envelope of this process, whichever way it comes first: never twice, never stale. */
  private deliverOwn(envelope: Envelope): void {
    const now = Date.now();
    if (this.delivered.has(envelope.seq) || now - envelope.sentAt > STALE_AFTER_MS) return;
    this.delivered.set(envelope.seq, now);
    for (const [seq, at] of this.delivered) {
      if (now - at <= STALE_AFTER_MS) break;
      this.delivered.delete(seq);
    }
    this.deliver(envelope);
  }

  private deliver(envelope: Envelope): void {
    if ('events' in envelope) this.hub.deliverEvents(envelope.events, envelope.committedAt);
    else this.hub.deliverAlert(envelope.alert);
  }
}
