import { unrefTimeout } from '../../../lib/scheduler/telemetry-timers';

/**
 * Runs `run` again and again with a pause between the end of one run and the start of the next,
 * so runs never overlap however long one takes. The timer is unref'd (it never keeps a process
 * alive); {@link stop} cancels the next run and waits for the one in progress. `run` handles its
 * own failures: a rejection is swallowed so the loop keeps going.
 */
export class RepeatingTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** When the next run starts (`undefined` while one runs, or once stopped). */
  nextRunAt: Date | undefined;

  constructor(private readonly run: () => Promise<void>) {}

  /** Starts the loop: the first run after `firstDelayMs`, then `intervalMs` after each run. */
  start(firstDelayMs: number, intervalMs: number): void {
    this.stopped = false;
    this.schedule(firstDelayMs, intervalMs);
  }

  /** Cancels the next run and waits for the one in progress, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.nextRunAt = undefined;
    await this.running;
  }

  /** Whether {@link stop} was called: a long run checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  private schedule(delayMs: number, intervalMs: number): void {
    this.nextRunAt = new Date(Date.now() + delayMs);
    this.timer = unrefTimeout(() => {
      this.nextRunAt = undefined;
      this.running = this.run()
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(intervalMs, intervalMs);
        });
    }, delayMs);
  }
}
