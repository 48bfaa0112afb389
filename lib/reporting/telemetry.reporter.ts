import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { DeadLetters, refusalOf } from '../outbox/dead-letters';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { withSendLock } from '../outbox/send-lock';
import { TelemetryOutbox } from '../outbox/telemetry-outbox.service';
import { toUtcSecond } from '../protocol';
import { TelemetryResponseDispatcher } from '../responses/telemetry-response.dispatcher';
import { TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryHttpClient, type TelemetryHttpResult } from '../transport/telemetry-http.client';
import { readBatchAnswer } from './batch-answer.reader';
import { redactSecrets } from './redact-secrets';
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

const LOCK_NAME = 'report';

const BATCH_ANSWER_MISSING = 'the receiver answered a batch without saying which rounds it stored';

/** What sending one request did: the rounds it got acknowledged, and the failure if any. */
interface SendStep {
  acknowledged: TelemetryBatch[];
  /** Rounds of a batch refused while others of it were stored: set aside already. */
  deadLettered?: number;
  failure?: TelemetryHttpResult;
}

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

/** A round as two payloads of the same host and timestamp, each with half of its values. */
function splitRound(round: TelemetryBatch): TelemetryBatch[] {
  const half = Math.ceil(round.entries.length / 2);
  return [
    ...buildBatches(round.entries.slice(0, half)),
    ...buildBatches(round.entries.slice(half)),
  ];
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

  /**
   * @internal
   * The telemetry outbox's dead letters: set aside here, listed, retried and dropped by the CLI.
   */
  readonly deadLetters: DeadLetters;

  /** @internal Nest creates this service; its dependencies are the package's own. */
  constructor(
    private readonly outbox: TelemetryOutbox,
    private readonly http: TelemetryHttpClient,
    private readonly dispatcher: TelemetryResponseDispatcher,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {
    this.deadLetters = new DeadLetters({
      outbox: 'telemetry',
      store,
      max: options.maxDeadLetters,
      logger: this.logger,
      setAsideMessage: ({ entries, status, reason }) =>
        TelemetryMessages.setAside(
          `HTTP ${status}: ${reason}`,
          entries.length,
          entries[0].host,
          toUtcSecond(new Date(entries[0].collectedAt)),
        ),
      overflowMessage: TelemetryMessages.deadLettersOverflow,
      courier: {
        configured: () => !!options.serverUrl,
        underLock: (work) => withSendLock(store, LOCK_NAME, options.requestTimeout, work),
        requests: (letters) => buildBatches(letters).map((round) => round.entries),
        send: async (letters, settle) => {
          const step = await this.sendRound(buildBatches(letters)[0], settle);
          return step.failure ?? { ok: true };
        },
      },
    });
  }

  /**
   * Sends the backlog, oldest first. A payload refused for good is skipped and, once the receiver
   * accepts a later payload in the same run, set aside as a dead letter (logged once). After five
   * refusals in a row with nothing accepted, or any other failure, the run stops and everything
   * not sent stays in the outbox, in order.
   */
  async sendBacklog(): Promise<TelemetryReportOutcome> {
    const { serverUrl, requestTimeout } = this.options;
    if (!serverUrl) {
      return {
        status: 'unconfigured',
        payloads: 0,
        entries: 0,
        remaining: await this.outbox.size(),
      };
    }
    const outcome = await withSendLock(this.store, LOCK_NAME, requestTimeout, (deadline) =>
      this.sendUnderLock(deadline),
    );
    return (
      outcome ?? { status: 'locked', payloads: 0, entries: 0, remaining: await this.outbox.size() }
    );
  }

  private async sendUnderLock(deadline: number): Promise<TelemetryReportOutcome> {
    const rounds = buildBatches(await this.outbox.pending());
    if (rounds.length === 0) return { status: 'empty', payloads: 0, entries: 0, remaining: 0 };
    const done = { payloads: 0, entries: 0, deadLettered: 0 };
    const refusals = this.deadLetters.awaitingProof();
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
      if (step.acknowledged.length > 0) done.deadLettered += await refusals.accepted();
      if (step.failure?.tooLarge && group.length > 1) {
        sizeCap = Math.ceil(group.length / 2); // not a failure: the same rounds, in smaller parts
        continue;
      }
      // Every value may be within the receiver's limits while the round as a whole is not
      // (ReceiverModule: 16 KB a value, 64 KB a request): a round refused as too large (413) is
      // sent in two parts with its timestamp, as a user expects of values each small enough.
      // Only a single value too large on its own becomes a dead letter.
      if (step.failure?.tooLarge && group.length <= 1 && rounds[next].entries.length > 1) {
        rounds.splice(next, 1, ...splitRound(rounds[next]));
        continue;
      }
      if (
        step.failure &&
        group.length <= 1 &&
        refusals.refused(rounds[next].entries, step.failure)
      ) {
        next += 1;
        continue;
      }
      if (step.failure) {
        const remaining = await this.outbox.size();
        return { status: 'failed', ...done, remaining, result: step.failure };
      }
      next += Math.max(group.length, 1);
    }
    const remaining = await this.outbox.size();
    // Refused with nothing accepted after them: they stay, and are tried again next time.
    const unproven = refusals.unproven;
    if (unproven) return { status: 'failed', ...done, remaining, result: unproven };
    return { status: 'sent', ...done, remaining };
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
      return reason === undefined ? [] : [refusalOf(round.entries, 422, reason)];
    });
    const deadLettered = acknowledged.length > 0 ? await this.deadLetters.setAside(refused) : 0;
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
}
