import { Injectable, Logger } from '@nestjs/common';
import type { CommittedEvent, CommittedEventsListener } from './committed-event.interface';
import { EventsMessages } from './events.messages';

interface Subscription {
  listener: CommittedEventsListener;
  /** A failure was logged already: one line per listener, not one per batch. */
  failed: boolean;
}

/**
 * Where ingest handlers announce what they committed, and where realtime feeds and alert rules
 * listen. In-process only: each process publishes what it wrote (fan-out to other processes is
 * the realtime module's job). Handlers check {@link active} before building events, so ingest
 * pays nothing while nobody listens. A listener's error (or rejected promise) is logged once and
 * never reaches the ingest path.
 */
@Injectable()
export class CommittedEventsBus {
  private readonly logger = new Logger('CommittedEvents');
  private subscriptions: Subscription[] = [];

  /** Somebody listens: worth building events for. */
  get active(): boolean {
    return this.subscriptions.length > 0;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: CommittedEventsListener): () => void {
    const subscription: Subscription = { listener, failed: false };
    // Copy on write: a listener that unsubscribes during a publish does not disturb the loop.
    this.subscriptions = [...this.subscriptions, subscription];
    return () => {
      this.subscriptions = this.subscriptions.filter((s) => s !== subscription);
    };
  }

  /**
   * Hands committed events to every listener, with the time of the call as their commit time
   * (call it right after commit only: ingest handlers do, from `afterCommit`).
   */
  publish(events: readonly CommittedEvent[]): void {
    if (events.length === 0) return;
    const committedAt = Date.now();
    for (const subscription of this.subscriptions) {
      try {
        const pending = subscription.listener(events, committedAt);
        if (pending) pending.catch((error: unknown) => this.failed(subscription, error));
      } catch (error) {
        this.failed(subscription, error);
      }
    }
  }

  private failed(subscription: Subscription, error: unknown): void {
    if (subscription.failed) return;
    subscription.failed = true;
    this.logger.error(EventsMessages.listenerFailed((error as Error)?.message ?? String(error)));
  }
}
