import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type {
  DeadLetter,
  TelemetryLock,
  TelemetryStore,
} from '../outbox/interfaces/telemetry-store.interface';
import { TelemetryOutbox } from '../outbox/telemetry-outbox.service';
import { TelemetryResponseDispatcher } from '../responses/telemetry-response.dispatcher';
import { TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryHttpClient, type TelemetryHttpResult } from '../transport/telemetry-http.client';
import { readBatchAnswer } from './batch-answer.reader';
import { isPermanentRefusal } from './telemetry-backoff';
import { buildBatches, type TelemetryBatch } from './telemetry-payload.builder';

/** What one {@link TelemetryReporter.sendBacklog} call did. */
export type TelemetryReportOutcome =
  /**
   * Every payload it started was accepted or, refused for good, set aside as a dead letter
   * (`deadLettered` payloads); `remaining` entries wait for the next tick.
   */
  | { status: 'sent'; payloads: number; entries: number; deadLettered: number; remaining: number }
  /** The outbox was empty. */
  | { status: 'empty'; payloads: 0; entries: 0; remaining: 0 }
  /** Another process sharing the store is sending right now. */
  | { status: 'locked'; payloads: 0; entries: 0; remaining: number }
  /** `serverUrl` is empty: nothing can be sent, the backlog is kept. */
  | { status: 'unconfigured'; payloads: 0; entries: 0; remaining: number }
  /**
   * A payload failed; it and everything after it stay in the outbox (refused ones with nothing
   * accepted after them included: see {@link TelemetryReporter.sendBacklog}).
   */
  | {
      status: 'failed';
      payloads: number;
      entries: number;
      deadLettered: number;
      remaining: number;
      result: TelemetryHttpResult;
    };

/** What {@link TelemetryReporter.retryDeadLetters} did. */
export interface TelemetryDeadLetterRetryOutcome {
  /** `failed`: a failure other than a refusal (receiver down, credentials refused) stopped it. */
  status: 'done' | 'locked' | 'unconfigured' | 'failed';
  /** Payloads the receiver accepted: they left the dead letters. */
  sent: number;
  /** Payloads refused for good again: kept, with the new refusal. */
  refused: number;
  /** Dead letters left. */
  remaining: number;
  /** The failure that stopped the retry. */
  result?: TelemetryHttpResult;
}

const LOCK_NAME = 'report';

/**
 * Refused rounds in a row, with no payload accepted after them, that stop a run. A refusal is set
 * aside only once the receiver accepts a later payload: that proves it refuses this payload, not
 * everything this client sends (a wrong encryption key is a 400 too, and must keep everything).
 */
const MAX_UNPROVEN_REFUSALS = 5;

const BATCH_ANSWER_MISSING = 'the receiver answered a batch without saying which rounds it stored';

/** What sending one request did: the rounds it got acknowledged, and the failure if any. */
interface SendStep {
  acknowledged: TelemetryBatch[];
  /** Rounds of a batch refused while others of it were stored: set aside already. */
  deadLettered?: number;
  failure?: TelemetryHttpResult;
}

/** A round the receiver refused for good, and why. */
interface RefusedRound {
  round: TelemetryBatch;
  status: number;
  reason: string;
}

/** The receiver's reason as one short line: it is logged, stored and printed by the CLI. */
const reasonText = (text: string): string =>
  text.replace(/\s+/g, ' ').trim().slice(0, 300) || 'refused';

const refusalOf = (round: TelemetryBatch, result: TelemetryHttpResult): RefusedRound => ({
  round,
  status: result.status!,
  reason: reasonText((result.error ?? '').replace(/^HTTP \d+:?/, '')),
});

/** Up to `max` rounds from `start` on, of the same host as the first (a batch names one host). */
function sameHost(rounds: TelemetryBatch[], start: number, max: number): TelemetryBatch[] {
  const host = rounds[start].payload.host;
  const group: TelemetryBatch[] = [];
  for (let i = start; i < rounds.length && group.length < max; i++) {
    if (rounds[i].payload.host !== host) break;
    group.push(rounds[i]);
  }
  return group;
}

/**
 * Sends the backlog: the oldest entries first, one payload per collection round, acknowledging
 * each payload's entries only after a 2xx and handing the answer to the response handlers. Stops
 * at the first failure so the order is kept. One process at a time per store sends (a lock).
 *
 * Dead letters: a payload refused for good (400, 413, 415, 422) is skipped, and set aside in the
 * store's dead letters once the receiver accepts a later one; they can be listed, sent again or
 * dropped (`nestjs-telemetry dead-letters`).
 *
 * Catch-up: once the receiver's answer says it accepts batches (`X-Telemetry-Accept-Batch`, which
 * only this package's receiver sends), the rest of the backlog goes out many rounds per request.
 */
@Injectable()
export class TelemetryReporter {
  private readonly logger = new Logger('Telemetry');
  /** Most rounds per batch the receiver takes, from its latest answer; none = one per request. */
  private acceptBatch?: number;

  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(
    private readonly outbox: TelemetryOutbox,
    private readonly http: TelemetryHttpClient,
    private readonly dispatcher: TelemetryResponseDispatcher,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  /**
   * Sends the backlog, oldest first. A payload refused for good is skipped and, once the receiver
   * accepts a later payload in the same run, set aside as a dead letter (logged once). After
   * {@link MAX_UNPROVEN_REFUSALS} refusals in a row with nothing accepted, or any other failure,
   * the run stops and everything not sent stays in the outbox, in order.
   */
  async sendBacklog(): Promise<TelemetryReportOutcome> {
    if (!this.options.serverUrl) {
      return {
        status: 'unconfigured',
        payloads: 0,
        entries: 0,
        remaining: await this.outbox.size(),
      };
    }
    const outcome = await this.underLock((deadline) => this.sendUnderLock(deadline));
    return (
      outcome ?? { status: 'locked', payloads: 0, entries: 0, remaining: await this.outbox.size() }
    );
  }

  /** Runs `work` holding the send lock; `undefined` when another process holds it. */
  private async underLock<T>(work: (deadline: number) => Promise<T>): Promise<T | undefined> {
    // The lock outlives the sends it covers: new payloads stop being started well before it expires.
    const ttl = Math.max(60_000, this.options.requestTimeout * 3);
    const lock = await this.store.acquireLock(LOCK_NAME, ttl);
    if (!lock) return undefined;
    try {
      return await work(Date.now() + ttl - this.options.requestTimeout - 5_000);
    } finally {
      await this.release(lock);
    }
  }

  private async sendUnderLock(deadline: number): Promise<TelemetryReportOutcome> {
    const rounds = buildBatches(await this.outbox.pending());
    if (rounds.length === 0) return { status: 'empty', payloads: 0, entries: 0, remaining: 0 };
    const done = { payloads: 0, entries: 0, deadLettered: 0 };
    const keepsDeadLetters = this.outbox.keepsDeadLetters;
    /** Rounds refused for good since the last accepted payload, waiting for that proof. */
    let refused: RefusedRound[] = [];
    let lastRefusal: TelemetryHttpResult | undefined;
    /** Lowered when a batch turns out too large for one request. */
    let sizeCap = Infinity;
    let next = 0;
    while (next < rounds.length && Date.now() <= deadline) {
      // The first answer tells whether the receiver takes batches: the rest follows accordingly.
      const batchSize = Math.min(sizeCap, this.acceptBatch ?? 1);
      const group = batchSize > 1 ? sameHost(rounds, next, batchSize) : [];
      const step =
        group.length > 1 ? await this.sendBatch(group) : await this.sendRound(rounds[next]);
      done.payloads += step.acknowledged.length;
      done.entries += step.acknowledged.reduce((sum, round) => sum + round.ids.length, 0);
      done.deadLettered += step.deadLettered ?? 0;
      if (step.acknowledged.length > 0 && refused.length > 0) {
        done.deadLettered += await this.setAside(refused);
        refused = [];
      }
      if (step.failure?.tooLarge && group.length > 1) {
        sizeCap = Math.ceil(group.length / 2); // not a failure: the same rounds, in smaller parts
        continue;
      }
      if (
        step.failure &&
        keepsDeadLetters &&
        group.length <= 1 &&
        isPermanentRefusal(step.failure)
      ) {
        refused.push(refusalOf(rounds[next], step.failure));
        lastRefusal = step.failure;
        next += 1;
        if (refused.length < MAX_UNPROVEN_REFUSALS) continue;
      }
      if (step.failure) {
        const remaining = await this.outbox.size();
        return { status: 'failed', ...done, remaining, result: step.failure };
      }
      next += Math.max(group.length, 1);
    }
    const remaining = await this.outbox.size();
    // Refused with nothing accepted after them: they stay, and are tried again next time.
    if (refused.length > 0) return { status: 'failed', ...done, remaining, result: lastRefusal! };
    return { status: 'sent', ...done, remaining };
  }

  /** The oldest `limit` dead letters (all by default): payloads the receiver refused for good. */
  deadLetters(limit?: number): Promise<DeadLetter[]> {
    return this.outbox.deadLetters(limit);
  }

  /** Number of dead letters kept. */
  deadLetterCount(): Promise<number> {
    return this.outbox.deadLetterCount();
  }

  /** Drops dead letters for good: those of `ids`, or all of them; resolves to the number dropped. */
  async dropDeadLetters(ids?: number[]): Promise<number> {
    const letters = await this.selectDeadLetters(ids);
    await this.outbox.dropDeadLetters(letters.map((letter) => letter.id));
    return letters.length;
  }

  /**
   * Sends dead letters again (those of `ids`, or all), oldest first, one payload per round, under
   * the lock of the backlog. Accepted ones leave the dead letters; refused ones stay with their new
   * refusal; any other failure (receiver down, credentials refused) stops and keeps the rest.
   */
  async retryDeadLetters(ids?: number[]): Promise<TelemetryDeadLetterRetryOutcome> {
    const none = { sent: 0, refused: 0 };
    if (!this.options.serverUrl) {
      return { status: 'unconfigured', ...none, remaining: await this.deadLetterCount() };
    }
    const outcome = await this.underLock(async (deadline) => {
      const done = { ...none };
      const rounds = buildBatches(await this.selectDeadLetters(ids));
      for (const round of rounds) {
        if (Date.now() > deadline) break; // the rest waits for the next retry
        const step = await this.sendRound(round, (acked) => this.outbox.dropDeadLetters(acked));
        if (!step.failure) {
          done.sent++;
        } else if (isPermanentRefusal(step.failure)) {
          done.refused += await this.setAside([refusalOf(round, step.failure)]);
        } else {
          const remaining = await this.deadLetterCount();
          return { status: 'failed' as const, ...done, remaining, result: step.failure };
        }
      }
      return { status: 'done' as const, ...done, remaining: await this.deadLetterCount() };
    });
    return outcome ?? { status: 'locked', ...none, remaining: await this.deadLetterCount() };
  }

  private async selectDeadLetters(ids?: number[]): Promise<DeadLetter[]> {
    const letters = await this.outbox.deadLetters();
    if (!ids) return letters;
    const wanted = new Set(ids);
    return letters.filter((letter) => wanted.has(letter.id));
  }

  /** Sets refused rounds aside as dead letters, one log line each; resolves to their number. */
  private async setAside(refused: RefusedRound[]): Promise<number> {
    const refusedAt = new Date().toISOString();
    await this.outbox.setAside(
      refused.flatMap(({ round, status, reason }) =>
        round.entries.map((entry) => ({ ...entry, status, reason, refusedAt })),
      ),
    );
    for (const { round, status, reason } of refused) {
      const { host, timestamp } = round.payload;
      this.logger.warn(
        TelemetryMessages.setAside(`HTTP ${status}: ${reason}`, round.ids.length, host, timestamp),
      );
    }
    return refused.length;
  }

  /** One round as one Laravel-compatible payload: what every receiver understands. */
  private async sendRound(
    round: TelemetryBatch,
    settle = (ids: number[]) => this.outbox.acknowledge(ids),
  ): Promise<SendStep> {
    if (this.options.verboseLogging) {
      this.logger.log(TelemetryMessages.payload(JSON.stringify(redactSecrets(round.payload))));
    }
    const result = await this.http.postReport(round.payload);
    this.logAnswer(result);
    if (!result.ok) return { acknowledged: [], failure: result };
    this.acceptBatch = result.acceptBatch;
    await settle(round.ids);
    await this.dispatcher.dispatch(result.body);
    return { acknowledged: [round] };
  }

  /**
   * Several rounds in one request, to a receiver that accepts batches. The answer names the rounds
   * it stored: exactly those are acknowledged, so a partial failure neither loses a round (the
   * others stay in the outbox) nor sends a stored one twice.
   */
  private async sendBatch(group: TelemetryBatch[]): Promise<SendStep> {
    if (this.options.verboseLogging) {
      const { timestamp: first } = group[0].payload;
      const { timestamp: last } = group[group.length - 1].payload;
      this.logger.log(TelemetryMessages.batch(group.length, first, last));
    }
    const result = await this.http.postBatch(group.map((round) => round.payload));
    this.logAnswer(result);
    if (!result.ok) {
      // A receiver that no longer takes batches says so on its next answer to a single round.
      if (!result.tooLarge && result.status !== undefined && result.status < 500) {
        this.acceptBatch = undefined;
      }
      return { acknowledged: [], failure: result };
    }
    const answer = readBatchAnswer(result.body, group.length);
    if (!answer) {
      this.acceptBatch = undefined;
      return { acknowledged: [], failure: { ...result, ok: false, error: BATCH_ANSWER_MISSING } };
    }
    this.acceptBatch = result.acceptBatch;
    const acknowledged = group.filter((_, index) => answer.stored.has(index));
    await this.outbox.acknowledge(acknowledged.flatMap((round) => round.ids));
    await this.dispatcher.dispatch(answer.handlerKeys);
    if (acknowledged.length === group.length) return { acknowledged };
    // Rounds refused while others of the same request were stored are refused for what they hold:
    // set aside (as 422, the batch answer gives no status per round).
    const refused = group.flatMap((round, index) => {
      const reason = answer.refused.get(index);
      return reason === undefined ? [] : [{ round, status: 422, reason: reasonText(reason) }];
    });
    const deadLettered =
      refused.length > 0 && acknowledged.length > 0 && this.outbox.keepsDeadLetters
        ? await this.setAside(refused)
        : 0;
    if (acknowledged.length + deadLettered === group.length) return { acknowledged, deadLettered };
    // The scheduler reads statuses: a refused round is the receiver's final word on it (a 4xx,
    // no fast retry); a round neither stored nor refused failed on its side (a 5xx, back off).
    const failure: TelemetryHttpResult =
      refused.length === 0 || deadLettered > 0
        ? { ...result, ok: false, status: 503, error: TelemetryMessages.batchPartlyStored() }
        : {
            ...result,
            ok: false,
            status: 422,
            error: TelemetryMessages.roundRefused(refused[0].reason),
          };
    return { acknowledged, deadLettered, failure };
  }

  private logAnswer(result: TelemetryHttpResult): void {
    if (!this.options.verboseLogging) return;
    this.logger.log(
      TelemetryMessages.response(result.status, JSON.stringify(redactSecrets(result.body) ?? null)),
    );
  }

  private async release(lock: TelemetryLock): Promise<void> {
    try {
      await lock.release();
    } catch {
      // An unreleased lock expires by itself; the next tick simply waits for it.
    }
  }
}

const SECRET_NAME =
  /pass(word)?|secret|token|authorization|api[-_]?key|private[-_]?key|signature|cookie|credential/i;

/**
 * A copy of a JSON value with the values of secret-looking properties replaced, for verbose logs:
 * collectors and receivers may carry credentials, and logs travel further than the app does.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [
      name,
      SECRET_NAME.test(name) && item !== null && typeof item !== 'object'
        ? '[redacted]'
        : redactSecrets(item),
    ]),
  );
}
