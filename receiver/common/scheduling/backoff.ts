const MIN_PAUSE_MS = 250;
const MAX_PAUSE_MS = 5_000;

/**
 * The waits of a loop whose dependency is away (Redis, the database): 250 ms, doubling up to 5 s,
 * so it never spins while the dependency is down and resumes soon after it returns. Used by the
 * Redis queue's workers and the realtime stream reader.
 */
export class Backoff {
  private nextMs = MIN_PAUSE_MS;
  private wakeUp: (() => void) | undefined;

  /** Waits the current delay, then doubles the next one. */
  pause(): Promise<void> {
    const ms = this.nextMs;
    this.nextMs = Math.min(MAX_PAUSE_MS, this.nextMs * 2);
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** The dependency answered: the next wait is the shortest again. */
  reset(): void {
    this.nextMs = MIN_PAUSE_MS;
  }

  /** Ends the current wait at once (a stop request). */
  wake(): void {
    this.wakeUp?.();
  }
}
