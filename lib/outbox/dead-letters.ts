import type { Logger } from '@nestjs/common';
import type { TelemetryHttpResult } from '../transport/interfaces/telemetry-http-result.interface';
import type {
  DeadLetter,
  OutboxEntry,
  TelemetryStore,
} from './interfaces/telemetry-store.interface';

/** The outboxes that keep dead letters; the CLI names each dead letter `<outbox>:<id>`. */
export const DEAD_LETTER_OUTBOXES = ['telemetry', 'errors'] as const;
export type DeadLetterOutbox = (typeof DEAD_LETTER_OUTBOXES)[number];

const PERMANENT_REFUSALS: ReadonlySet<number> = new Set([400, 413, 415, 422]);

/**
 * The receiver refused this payload for good: 400 (malformed or invalid, e.g. a value over its
 * size limit), 413 (too large), 415 (an encoding it does not take) or 422 (unprocessable). Sending
 * it again cannot succeed, so it is set aside and the entries behind it go on. Not 401/403 (the
 * credentials or signature: every payload would fail alike), nor 404/405/410 (a wrong URL or a
 * receiver mid-deployment, which also fails every payload), nor the retryable ones.
 */
export const isPermanentRefusal = (result: TelemetryHttpResult): boolean =>
  result.status !== undefined && PERMANENT_REFUSALS.has(result.status);

/**
 * Refusals in a row, with no payload accepted after them, that stop a send run. A refusal is set
 * aside only once the receiver accepts a later payload: that proves it refuses this payload, not
 * everything this client sends (a wrong encryption key is a 400 too, and must keep everything).
 */
const MAX_UNPROVEN_REFUSALS = 5;

/** The entries one request carried, which the receiver refused for good, and why. */
export interface Refusal {
  entries: OutboxEntry[];
  status: number;
  /** The receiver's reason as one short line: it is logged, stored and printed by the CLI. */
  reason: string;
}

/** A refusal of `entries` with the receiver's `reason` (trimmed to one line of 300 characters). */
export const refusalOf = (entries: OutboxEntry[], status: number, reason: string): Refusal => ({
  entries,
  status,
  reason: reason.replace(/\s+/g, ' ').trim().slice(0, 300) || 'refused',
});

/** The refusal in the failed answer `result` to the request that carried `entries`. */
export const refusalIn = (entries: OutboxEntry[], result: TelemetryHttpResult): Refusal =>
  refusalOf(entries, result.status!, (result.error ?? '').replace(/^HTTP \d+:?/, ''));

/** How the sender of an outbox sends its dead letters again. */
export interface DeadLetterCourier {
  /** False when nothing can be sent (no server URL): a retry keeps everything. */
  configured(): boolean;
  /** Runs `work` under the outbox's send lock (see `withSendLock`); `undefined` when taken. */
  underLock<T>(work: (deadline: number) => Promise<T>): Promise<T | undefined>;
  /** The letters, oldest first, grouped as the requests that carry them. */
  requests(letters: DeadLetter[]): DeadLetter[][];
  /** Sends one request; `settle` runs once the receiver accepted it, before its answer is used. */
  send(letters: DeadLetter[], settle: () => Promise<void>): Promise<TelemetryHttpResult>;
}

/** What {@link DeadLetters.retry} did. */
export interface DeadLetterRetryOutcome {
  /** `failed`: a failure other than a refusal (receiver down, credentials refused) stopped it. */
  status: 'done' | 'locked' | 'unconfigured' | 'failed';
  /** Requests the receiver accepted: their letters left the dead letters. */
  sent: number;
  /** Requests refused for good again: kept, with the new refusal. */
  refused: number;
  /** Dead letters left. */
  remaining: number;
  /** The failure that stopped the retry. */
  result?: TelemetryHttpResult;
}

export interface DeadLettersOptions {
  outbox: DeadLetterOutbox;
  /** The outbox's store; `null` when that outbox is off. */
  store: TelemetryStore | null;
  /** `maxDeadLetters`: the store drops the oldest beyond it. */
  max: number;
  logger: Logger;
  /** The warning for one refused request set aside. */
  setAsideMessage(refusal: Refusal): string;
  /** The warning when the oldest `dropped` dead letters made room. */
  overflowMessage(max: number, dropped: number): string;
  courier: DeadLetterCourier;
}

/**
 * @internal
 * The dead letters of one outbox: the entries the receiver refused for good, set aside in the
 * outbox's store so the entries behind them are delivered, then listed, sent again or dropped
 * (`nestjs-telemetry dead-letters`). The same for every outbox: its sender sets refusals aside
 * through {@link DeadLetters.awaitingProof} and lends itself as the courier of a retry.
 */
export class DeadLetters {
  readonly outbox: DeadLetterOutbox;

  constructor(private readonly options: DeadLettersOptions) {
    this.outbox = options.outbox;
  }

  /** The store keeps dead letters (every built-in one does; a custom store may not). */
  get kept(): boolean {
    const store = this.options.store;
    return (
      !!store &&
      [store.setAside, store.deadLetters, store.deadLetterCount, store.dropDeadLetters].every(
        (method) => typeof method === 'function',
      )
    );
  }

  /** The refusals of one send run, set aside once the receiver accepts a later payload. */
  awaitingProof(): RefusalsAwaitingProof {
    return new RefusalsAwaitingProof(this);
  }

  /** Sets refusals aside, one warning each; resolves to their number (0 if nothing is kept). */
  async setAside(refusals: Refusal[]): Promise<number> {
    if (refusals.length === 0 || !this.kept) return 0;
    const { store, max, logger } = this.options;
    const refusedAt = new Date().toISOString();
    const dropped = await store!.setAside!(
      refusals.flatMap(({ entries, status, reason }) =>
        entries.map((entry) => ({ ...entry, status, reason, refusedAt })),
      ),
    );
    if (dropped > 0) logger.warn(this.options.overflowMessage(max, dropped));
    for (const refusal of refusals) logger.warn(this.options.setAsideMessage(refusal));
    return refusals.length;
  }

  /** The oldest `limit` dead letters (all, up to the bound, by default). */
  async list(limit = this.options.max): Promise<DeadLetter[]> {
    return this.kept ? this.options.store!.deadLetters!(limit) : [];
  }

  async count(): Promise<number> {
    return this.kept ? this.options.store!.deadLetterCount!() : 0;
  }

  /** Drops dead letters for good: those of `ids`, or all; resolves to the number dropped. */
  async drop(ids?: number[]): Promise<number> {
    const letters = await this.select(ids);
    if (letters.length > 0) await this.options.store!.dropDeadLetters!(letters.map((l) => l.id));
    return letters.length;
  }

  /**
   * Sends dead letters again (those of `ids`, or all), oldest first, under the outbox's send lock.
   * Accepted ones leave; refused ones stay with their new refusal; any other failure stops and
   * keeps the rest.
   */
  async retry(ids?: number[]): Promise<DeadLetterRetryOutcome> {
    const { courier } = this.options;
    const none = { sent: 0, refused: 0 };
    if (!courier.configured()) {
      return { status: 'unconfigured', ...none, remaining: await this.count() };
    }
    const outcome = await courier.underLock(async (deadline) => {
      const done = { ...none };
      for (const letters of courier.requests(await this.select(ids))) {
        if (Date.now() > deadline) break; // the rest waits for the next retry
        const settle = () => this.options.store!.dropDeadLetters!(letters.map((l) => l.id));
        const result = await courier.send(letters, settle);
        if (result.ok) {
          done.sent++;
        } else if (isPermanentRefusal(result)) {
          done.refused += await this.setAside([refusalIn(letters, result)]);
        } else {
          return { status: 'failed' as const, ...done, remaining: await this.count(), result };
        }
      }
      return { status: 'done' as const, ...done, remaining: await this.count() };
    });
    return outcome ?? { status: 'locked', ...none, remaining: await this.count() };
  }

  private async select(ids?: number[]): Promise<DeadLetter[]> {
    const letters = await this.list();
    if (!ids) return letters;
    const wanted = new Set(ids);
    return letters.filter((letter) => wanted.has(letter.id));
  }
}

/**
 * @internal
 * The refusals of one send run, waiting for the proof that they concern their payloads: the
 * receiver accepting a later one. Until then they stay in the outbox, skipped.
 */
export class RefusalsAwaitingProof {
  private waiting: Refusal[] = [];
  private last?: TelemetryHttpResult;

  constructor(private readonly deadLetters: DeadLetters) {}

  /**
   * `result` answered the request that carried `entries`. True when it is a refusal for good that
   * may wait for proof, so the run goes on with the next payload; false when the run must stop:
   * another failure, a store without dead letters, or too many refusals in a row.
   */
  refused(entries: OutboxEntry[], result: TelemetryHttpResult): boolean {
    if (!this.deadLetters.kept || !isPermanentRefusal(result)) return false;
    this.waiting.push(refusalIn(entries, result));
    this.last = result;
    return this.waiting.length < MAX_UNPROVEN_REFUSALS;
  }

  /** A later payload was accepted: the waiting refusals become dead letters (their number). */
  async accepted(): Promise<number> {
    const proven = this.waiting;
    this.waiting = [];
    return this.deadLetters.setAside(proven);
  }

  /** The latest refusal still without proof: the run ends failed with it, its entries kept. */
  get unproven(): TelemetryHttpResult | undefined {
    return this.waiting.length > 0 ? this.last : undefined;
  }
}
