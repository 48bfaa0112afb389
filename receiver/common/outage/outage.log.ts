import type { Logger } from '@nestjs/common';

/**
 * Logs a dependency outage once when it starts and once when it ends, however many requests or
 * worker loops notice it in between (thousands of identical lines would bury everything else).
 */
export class OutageLog {
  private reason: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly started: (reason: string) => string,
    private readonly ended: string,
  ) {}

  get active(): boolean {
    return this.reason !== undefined;
  }

  down(error: unknown): void {
    if (this.reason !== undefined) return;
    this.reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(this.started(this.reason));
  }

  up(): void {
    if (this.reason === undefined) return;
    this.reason = undefined;
    this.logger.log(this.ended);
  }
}
