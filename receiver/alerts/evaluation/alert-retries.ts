import { Injectable, Logger } from '@nestjs/common';
import { AlertsMessages } from '../alerts.messages';

/** Most pieces of work held at once; past it the oldest is dropped, with an error logged. */
const MAX_HELD = 1_000;

interface Held {
  what: string;
  run: () => Promise<void>;
}

/**
 * Evaluations that could not write what they decided (the database refused or was unreachable
 * after the event itself had committed): held in memory and run again at every alerts tick until
 * they succeed, so the alert is late, not lost. Firings are unique per rule and occurrence, so a
 * retry of work that partly succeeded records nothing twice. What is held lives as long as the
 * process: a crash in the middle of a database outage still loses it.
 */
@Injectable()
export class AlertRetries {
  private readonly logger = new Logger('ReceiverAlerts');
  private held: Held[] = [];

  /** How many pieces of work wait for a retry. */
  get size(): number {
    return this.held.length;
  }

  /** Keeps `run` for the next {@link runHeld}; `what` names it in the logs. */
  hold(what: string, run: () => Promise<void>): void {
    this.held.push({ what, run });
    while (this.held.length > MAX_HELD) {
      this.logger.error(AlertsMessages.retryDropped(this.held.shift()!.what));
    }
  }

  /** Runs the held work in order; what fails again stays held (before anything held meanwhile). */
  async runHeld(): Promise<void> {
    if (this.held.length === 0) return;
    const due = this.held;
    this.held = [];
    const failed: Held[] = [];
    for (const item of due) {
      try {
        await item.run();
      } catch {
        failed.push(item);
      }
    }
    const later = this.held;
    this.held = [];
    for (const item of [...failed, ...later]) this.hold(item.what, item.run);
  }
}
