import { MAX_ERROR_OCCURRENCES } from '../../protocol';
import { unrefTimeout } from '../../scheduler/telemetry-timers';
import { MAX_OPEN_BURSTS } from '../errors.constants';
import type { MicrologsErrorBody } from './error-report.builder';

/** Repeats of one error inside the current window. */
interface Burst {
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  latest?: MicrologsErrorBody;
  timer: NodeJS.Timeout;
}

/** The identity of an error for coalescing: the receiver's grouping fields plus the severity. */
const burstKey = (body: MicrologsErrorBody): string =>
  JSON.stringify([body.error_type, body.message, body.file, body.line, body.severity]);

/**
 * Turns a burst of one error into two reports: the first occurrence goes out at once, the repeats
 * within `windowMs` are counted and leave as one report carrying `occurrences` (which the receiver
 * counts), with `occurrences`, `first_seen` and `last_seen` (ISO times of the first and last repeat)
 * in its context too, for servers that ignore the field — instead of thousands of requests. The window starts at the first occurrence; the next one after it starts a new window.
 */
export class ErrorCoalescer {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly windowMs: number,
    private readonly emit: (body: MicrologsErrorBody) => Promise<unknown>,
  ) {}

  /** Resolves once the report (the first of a burst) is in the outbox, or counted. */
  async add(body: MicrologsErrorBody, now = new Date()): Promise<void> {
    if (this.windowMs <= 0) {
      await this.emit(body);
      return;
    }
    const key = burstKey(body);
    const burst = this.bursts.get(key);
    if (burst) {
      burst.count += 1;
      burst.firstSeen ??= now.toISOString();
      burst.lastSeen = now.toISOString();
      burst.latest = body;
      // The receiver refuses a larger count: a burst this long leaves now, the next starts anew.
      if (burst.count >= MAX_ERROR_OCCURRENCES) await this.close(key);
      return;
    }
    if (this.bursts.size < MAX_OPEN_BURSTS) {
      const timer = unrefTimeout(() => void this.close(key), this.windowMs);
      this.bursts.set(key, { count: 0, timer });
    }
    await this.emit(body);
  }

  /** Emits every counted repeat now (shutdown, fatal error); resolves when they are in the outbox. */
  async flush(): Promise<void> {
    await Promise.all([...this.bursts.keys()].map((key) => this.close(key)));
  }

  private async close(key: string): Promise<void> {
    const burst = this.bursts.get(key);
    if (!burst) return;
    this.bursts.delete(key);
    clearTimeout(burst.timer);
    if (burst.count === 0 || !burst.latest) return;
    await this.emit({
      ...burst.latest,
      occurrences: burst.count,
      context: {
        ...burst.latest.context,
        occurrences: burst.count,
        first_seen: burst.firstSeen,
        last_seen: burst.lastSeen,
      },
    });
  }
}
