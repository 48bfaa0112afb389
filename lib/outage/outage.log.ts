import type { Logger } from '@nestjs/common';

/** What the first line of an outage says, from the error's message and what was being done. */
export type OutageStarted = (reason: string, during?: string) => string;

/** What the last line says: a fixed text, or one built from how long it lasted and what was lost. */
export type OutageEnded = string | ((seconds: number, lost: number) => string);

/** What one {@link OutageLog.down} call reports besides the error. */
export interface OutageDetails {
  /** What was being done, for the first line (`append`, `report` …). */
  during?: string;
  /** Values that could not be kept because of it: counted until the outage ends. */
  lost?: number;
}

/**
 * @internal
 * Logs an outage once when it starts and once when it ends, however many requests, loops or writes
 * notice it in between (thousands of identical lines would bury everything else). The last line
 * can say how long it lasted and how many values were lost meanwhile. One implementation for both
 * halves: the receiver's databases, Redis and caches, and the client's outbox stores.
 */
export class OutageLog {
  private since?: number;
  private lost = 0;

  /** `level` is that of the first line (the last one is `log`). */
  constructor(
    private readonly logger: Logger,
    private readonly started: OutageStarted,
    private readonly ended: OutageEnded,
    private readonly level: 'warn' | 'error' = 'warn',
    private readonly now: () => number = Date.now,
  ) {}

  /** True between the first failure and the next success. */
  get active(): boolean {
    return this.since !== undefined;
  }

  /** Something failed with `error`: logged only if nothing was failing yet. */
  down(error: unknown, details: OutageDetails = {}): void {
    this.lost += details.lost ?? 0;
    if (this.since !== undefined) return;
    this.since = this.now();
    const reason = error instanceof Error ? error.message : String(error);
    this.logger[this.level](this.started(reason, details.during));
  }

  /** Something worked: the outage, if any, has ended. */
  up(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    const lost = this.lost;
    this.since = undefined;
    this.lost = 0;
    this.logger.log(typeof this.ended === 'string' ? this.ended : this.ended(seconds, lost));
  }
}
