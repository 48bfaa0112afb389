import type { Redis } from 'ioredis';
import type { OutageLog } from '../../lib/outage/outage.log';
import { Backoff } from '../common/scheduling/backoff';

/** How long one `XREAD` waits for entries (shutdown closes the connection instead of waiting). */
export const READ_BLOCK_MS = 2_000;
/**
 * A live feed, not a log: after an absence, entries older than this are skipped, so a client is
 * not flooded with what happened minutes ago once its instance reads Redis again.
 */
export const STALE_AFTER_MS = 30_000;
/**
 * Entries older than this before the newest one read are trimmed (the publishers' `MAXLEN` bounds
 * the count; this bounds the age, so a busy stream of large batches does not hold 10,000 of them).
 */
const RETAIN_MS = 2 * STALE_AFTER_MS;
const TRIM_EVERY_MS = 5_000;
/** Entries taken per `XREAD` (a reader catching up reads again at once). */
const READ_COUNT = 500;

/**
 * Reads the realtime stream on a connection of its own (`XREAD BLOCK` holds it while waiting) and
 * hands each entry's envelope text to `receive`, in stream order. It starts at the stream's end
 * and, after any failure (Redis down, restarted, the connection killed), resumes after the last
 * entry it read — so what was published while it reconnected is not lost, unlike pub/sub — but
 * never from further back than {@link STALE_AFTER_MS} before Redis's own clock (`TIME`; the entry
 * ids are that clock too, so no two machines' clocks are compared). While Redis is away it backs
 * off (no busy loop); {@link stop} and closing the connection end it.
 */
export class RealtimeStreamReader {
  private stopping = false;
  private lastId: string | undefined;
  /** A command failed since the last read: the next read starts from {@link resumePoint}. */
  private away = false;
  private readonly backoff = new Backoff();
  private trimmedAt = 0;
  private markStarted!: () => void;
  /** Resolves once the start point is known, or the first attempt to learn it failed. */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly receive: (envelope: string) => void,
    private readonly outage: OutageLog,
  ) {}

  /** Runs until {@link stop}; never rejects. */
  async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.lastId === undefined || this.away) this.lastId = await this.startPoint();
        this.markStarted();
        const entries = await this.read(this.lastId);
        this.away = false;
        this.outage.up();
        this.backoff.reset();
        for (const [id, fields] of entries) {
          this.lastId = id;
          const envelope = fieldValue(fields, 'envelope');
          if (envelope !== undefined) this.receive(envelope);
        }
        if (entries.length > 0) this.trim();
      } catch (error) {
        this.markStarted();
        if (this.stopping) break;
        this.away = true;
        this.outage.down(error);
        await this.backoff.pause();
      }
    }
  }

  stop(): void {
    this.stopping = true;
    this.backoff.wake();
  }

  /** The stream's end on the first start; after a failure, {@link resumePoint}. */
  private async startPoint(): Promise<string> {
    if (this.lastId === undefined && !this.away) {
      const last = await this.client.xrevrange(this.key, '+', '-', 'COUNT', 1);
      return last[0]?.[0] ?? '0-0';
    }
    return this.resumePoint();
  }

  /**
   * After the last entry read, or {@link STALE_AFTER_MS} back on Redis's clock if that is later
   * (Redis then skips the stale entries itself). A reader that never got its start point (Redis
   * was down at start-up) resumes from there too: what was published since it came back counts.
   */
  private async resumePoint(): Promise<string> {
    const [seconds, micros] = (await this.client.time()).map(Number);
    const cutoff = `${seconds * 1000 + Math.floor(micros / 1000) - STALE_AFTER_MS}-0`;
    return this.lastId !== undefined && compareIds(this.lastId, cutoff) > 0 ? this.lastId : cutoff;
  }

  private async read(after: string): Promise<[string, string[]][]> {
    const reply = await this.client.xread(
      'COUNT',
      READ_COUNT,
      'BLOCK',
      READ_BLOCK_MS,
      'STREAMS',
      this.key,
      after,
    );
    return reply?.[0]?.[1] ?? [];
  }

  /**
   * Every few seconds, drops entries older than {@link RETAIN_MS} before the last one read (ids
   * are Redis's clock, so no local clock is trusted). Not waited for; a failure changes nothing
   * (Redis before 6.2 has no `MINID`: `MAXLEN` alone bounds the stream).
   */
  private trim(): void {
    const now = Date.now();
    if (this.lastId === undefined || now - this.trimmedAt < TRIM_EVERY_MS) return;
    this.trimmedAt = now;
    const minId = `${Number(this.lastId.split('-')[0]) - RETAIN_MS}-0`;
    this.client.xtrim(this.key, 'MINID', '~', minId).catch(() => undefined);
  }
}

/** Orders two stream entry ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number);
  const [bMs, bSeq] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

function fieldValue(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
