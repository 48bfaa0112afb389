import type { Logger } from '@nestjs/common';
import { TelemetryMessages } from '../telemetry.messages';

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * What one outbox logs about its store (a full disk, a Redis that is down): one line when the
 * store starts failing and one when a write works again, with how many values could not be kept
 * meanwhile — never one line per collection, captured error or send attempt.
 */
export class StoreFaultLog {
  private since?: number;
  private lost = 0;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** True between a failure and the next write that worked. */
  get failing(): boolean {
    return this.since !== undefined;
  }

  /** `operation` failed with `error`; `lostValues` values it was given could not be kept. */
  failed(operation: string, error: unknown, lostValues = 0): void {
    this.lost += lostValues;
    if (this.since !== undefined) return;
    this.since = this.now();
    this.logger.error(TelemetryMessages.storeFailed(operation, errorText(error)));
  }

  /** A write to the store worked: the failure, if any, has ended. */
  worked(): void {
    if (this.since === undefined) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.logger.log(TelemetryMessages.storeRecovered(seconds, this.lost));
    this.since = undefined;
    this.lost = 0;
  }
}
