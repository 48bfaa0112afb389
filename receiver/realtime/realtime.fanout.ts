import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
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

/** What travels between processes: the events of one batch and when it committed, or one alert. */
type Envelope = { events: CommittedEvent[]; committedAt: number } | { alert: RealtimeAlert };

/**
 * Brings every process's committed events and alerts to the subscribers of every process, once.
 * Without Redis it hands them to this process's hub. With Redis each process PUBLISHes what it
 * committed to one channel and delivers only what it receives on that channel — its own messages
 * included — so each event reaches each process exactly once, whichever process (HTTP receiver or
 * queue worker) wrote it. Pub/sub is at most once: an instance that is disconnected from Redis
 * misses what was published meanwhile (a live feed, not a log).
 */
@Injectable()
export class RealtimeFanout implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Realtime');
  private subscriber: Redis | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly channel: string;
  private publishFailing = false;

  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    @Inject(RECEIVER_REDIS) private readonly redis: Redis | null,
    private readonly bus: CommittedEventsBus,
    private readonly hub: RealtimeHub,
  ) {
    this.channel = `${options.redisPrefix}realtime`;
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.realtime.enabled) return;
    if (this.redis && this.options.redis) {
      const subscriber = createRedisClient(this.options.redis, { maxRetriesPerRequest: null });
      this.subscriber = subscriber;
      subscriber.on('message', (channel: string, text: string) => {
        if (channel === this.channel) this.receive(text);
      });
      try {
        await subscriber.subscribe(this.channel);
      } catch (error) {
        // ioredis subscribes again once it reconnects; meanwhile other processes' events miss us.
        this.logger.warn(RealtimeMessages.redisSubscribeFailed((error as Error).message));
      }
    }
    this.unsubscribe = this.bus.subscribe((events, committedAt) =>
      this.publish({ events: [...events], committedAt }),
    );
  }

  /** Sends an alert firing to the `alerts` subscribers of every process (call it once per firing). */
  publishAlert(alert: RealtimeAlert): void {
    if (this.options.realtime.enabled) this.publish({ alert });
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private publish(envelope: Envelope): void {
    if (!this.subscriber || !this.redis) {
      this.deliver(envelope);
      return;
    }
    // Through the server's circuit: while Redis is known down or hung, events go to this process's
    // subscribers at once instead of each waiting out a command timeout.
    const text = JSON.stringify(envelope);
    redisCircuitOf(this.redis)
      .run((redis) => redis.publish(this.channel, text))
      .then(
        () => {
          if (this.publishFailing) this.logger.log(RealtimeMessages.publishRecovered);
          this.publishFailing = false;
        },
        (error: unknown) => {
          if (!this.publishFailing) {
            this.logger.warn(RealtimeMessages.publishFailed((error as Error).message));
          }
          this.publishFailing = true;
          // Better this process's subscribers than none.
          this.deliver(envelope);
        },
      );
  }

  private receive(text: string): void {
    try {
      this.deliver(JSON.parse(text) as Envelope);
    } catch (error) {
      this.logger.warn((error as Error).message);
    }
  }

  private deliver(envelope: Envelope): void {
    if ('events' in envelope) this.hub.deliverEvents(envelope.events, envelope.committedAt);
    else this.hub.deliverAlert(envelope.alert);
  }
}
