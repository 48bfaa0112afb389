import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryLock, TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { TelemetryOutbox } from '../outbox/telemetry-outbox.service';
import { TelemetryResponseDispatcher } from '../responses/telemetry-response.dispatcher';
import { TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryHttpClient, type TelemetryHttpResult } from '../transport/telemetry-http.client';
import { buildBatches } from './telemetry-payload.builder';

/** What one {@link TelemetryReporter.sendBacklog} call did. */
export type TelemetryReportOutcome =
  /** Every payload it started was accepted; `remaining` entries wait for the next tick. */
  | { status: 'sent'; payloads: number; entries: number; remaining: number }
  /** The outbox was empty. */
  | { status: 'empty'; payloads: 0; entries: 0; remaining: 0 }
  /** Another process sharing the store is sending right now. */
  | { status: 'locked'; payloads: 0; entries: 0; remaining: number }
  /** `serverUrl` is empty: nothing can be sent, the backlog is kept. */
  | { status: 'unconfigured'; payloads: 0; entries: 0; remaining: number }
  /** A payload failed; it and everything after it stay in the outbox. */
  | {
      status: 'failed';
      payloads: number;
      entries: number;
      remaining: number;
      result: TelemetryHttpResult;
    };

const LOCK_NAME = 'report';

/**
 * Sends the backlog: the oldest entries first, one payload per collection round, acknowledging
 * each payload's entries only after a 2xx and handing the answer to the response handlers. Stops
 * at the first failure so the order is kept. One process at a time per store sends (a lock).
 */
@Injectable()
export class TelemetryReporter {
  private readonly logger = new Logger('Telemetry');

  constructor(
    private readonly outbox: TelemetryOutbox,
    private readonly http: TelemetryHttpClient,
    private readonly dispatcher: TelemetryResponseDispatcher,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  async sendBacklog(): Promise<TelemetryReportOutcome> {
    if (!this.options.serverUrl) {
      return {
        status: 'unconfigured',
        payloads: 0,
        entries: 0,
        remaining: await this.outbox.size(),
      };
    }
    // The lock outlives the sends it covers: new payloads stop being started well before it expires.
    const ttl = Math.max(60_000, this.options.requestTimeout * 3);
    const lock = await this.store.acquireLock(LOCK_NAME, ttl);
    if (!lock)
      return { status: 'locked', payloads: 0, entries: 0, remaining: await this.outbox.size() };
    try {
      return await this.sendUnderLock(Date.now() + ttl - this.options.requestTimeout - 5_000);
    } finally {
      await this.release(lock);
    }
  }

  private async sendUnderLock(deadline: number): Promise<TelemetryReportOutcome> {
    const batches = buildBatches(await this.outbox.pending());
    if (batches.length === 0) return { status: 'empty', payloads: 0, entries: 0, remaining: 0 };
    let payloads = 0;
    let entries = 0;
    for (const batch of batches) {
      if (Date.now() > deadline) break;
      if (this.options.verboseLogging) {
        this.logger.log(TelemetryMessages.payload(JSON.stringify(redactSecrets(batch.payload))));
      }
      const result = await this.http.postReport(batch.payload);
      if (this.options.verboseLogging) {
        this.logger.log(
          TelemetryMessages.response(
            result.status,
            JSON.stringify(redactSecrets(result.body) ?? null),
          ),
        );
      }
      if (!result.ok) {
        return { status: 'failed', payloads, entries, remaining: await this.outbox.size(), result };
      }
      await this.outbox.acknowledge(batch.ids);
      payloads++;
      entries += batch.ids.length;
      await this.dispatcher.dispatch(result.body);
    }
    return { status: 'sent', payloads, entries, remaining: await this.outbox.size() };
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
