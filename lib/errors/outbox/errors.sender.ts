import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { DeadLetters } from '../../outbox/dead-letters';
import type { OutboxEntry } from '../../outbox/interfaces/telemetry-store.interface';
import { withSendLock } from '../../outbox/send-lock';
import { errorText } from '../../outbox/telemetry-outbox.service';
import { isInsecureRemoteUrl } from '../../security/request-security.service';
import { TELEMETRY_OPTIONS, TELEMETRY_USER_AGENT } from '../../telemetry.constants';
import { parseRetryAfter } from '../../transport/telemetry-http.client';
import type { TelemetryHttpResult } from '../../transport/interfaces/telemetry-http-result.interface';
import { MICROLOGS_ENTRIES } from '../errors.constants';
import { ErrorsMessages } from '../errors.messages';
import { ErrorsOutbox } from './errors.outbox';

interface ErrorsSendCounts {
  /** Reports the receiver accepted. */
  sent: number;
  /** Reports it refused for good, set aside as dead letters. */
  deadLettered: number;
  /** Reports left in the outbox. */
  remaining: number;
}

/** What one {@link ErrorsSender.sendBacklog} call did. */
export type ErrorsSendOutcome =
  | ({ status: 'sent' | 'empty' | 'locked' } & ErrorsSendCounts)
  | ({ status: 'failed'; result: TelemetryHttpResult } & ErrorsSendCounts);

const LOCK_NAME = 'errors-send';
const BATCH = 100;

const kindOf = (key: string): string =>
  Object.entries(MICROLOGS_ENTRIES).find(([, entry]) => entry.key === key)?.[0] ?? key;

const pathOf = (key: string): string | undefined =>
  Object.values(MICROLOGS_ENTRIES).find((entry) => entry.key === key)?.path;

/**
 * POSTs the errors outbox to the receiver, oldest first, one Micrologs request per entry with the
 * project's secret key in `X-API-Key`. An entry is removed after a 2xx. One the receiver refuses
 * for good (400, 413, 415, 422) is skipped and set aside as a dead letter once a later one is
 * accepted, exactly as the telemetry reporter does ({@link DeadLetters}). Any other failure stops
 * the round and keeps the rest, in order, for the next attempt. One process at a time per store
 * sends (a lock).
 */
@Injectable()
export class ErrorsSender {
  private readonly logger = new Logger('TelemetryErrors');
  private insecureWarned = false;
  /** The errors outbox's dead letters: set aside here, listed, retried and dropped by the CLI. */
  readonly deadLetters: DeadLetters;

  constructor(
    private readonly outbox: ErrorsOutbox,
    private readonly http: HttpService,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {
    const store = outbox.store;
    this.deadLetters = new DeadLetters({
      outbox: 'errors',
      store,
      max: options.maxDeadLetters,
      logger: this.logger,
      setAsideMessage: ({ entries, status, reason }) =>
        ErrorsMessages.setAside(kindOf(entries[0].key), `HTTP ${status}: ${reason}`),
      overflowMessage: ErrorsMessages.deadLettersOverflow,
      courier: {
        configured: () => store !== null,
        underLock: (work) => withSendLock(store!, LOCK_NAME, options.requestTimeout, work),
        requests: (letters) => letters.map((letter) => [letter]),
        send: async ([letter], settle) => {
          const result = await this.post(letter);
          if (result.ok) await settle();
          return result;
        },
      },
    });
  }

  async sendBacklog(deadline = Infinity): Promise<ErrorsSendOutcome> {
    const store = this.outbox.store;
    if (!store) return { status: 'empty', sent: 0, deadLettered: 0, remaining: 0 };
    const outcome = await withSendLock(store, LOCK_NAME, this.options.requestTimeout, (stopAt) =>
      this.sendUnderLock(Math.min(deadline, stopAt)),
    );
    return (
      outcome ?? { status: 'locked', sent: 0, deadLettered: 0, remaining: await this.outbox.size() }
    );
  }

  private async sendUnderLock(stopAt: number): Promise<ErrorsSendOutcome> {
    const done = { sent: 0, deadLettered: 0 };
    const refusals = this.deadLetters.awaitingProof();
    /** Entries refused in this run: in the outbox until set aside, skipped meanwhile. */
    const skipped = new Set<number>();
    while (Date.now() <= stopAt) {
      const pending = await this.outbox.pending(BATCH + skipped.size);
      const batch = pending.filter((entry) => !skipped.has(entry.id));
      if (batch.length === 0) break;
      for (const entry of batch) {
        const result = await this.post(entry);
        if (result.ok) {
          // Kept out of the backlog even when the store cannot write it (UnsavedAcknowledgements).
          await this.outbox.acknowledge([entry.id]);
          done.sent++;
          done.deadLettered += await refusals.accepted();
        } else if (refusals.refused([entry], result)) {
          skipped.add(entry.id);
        } else {
          return { status: 'failed', ...done, remaining: await this.outbox.size(), result };
        }
      }
    }
    const remaining = await this.outbox.size();
    // Refused with nothing accepted after them: they stay, and are tried again next time.
    const unproven = refusals.unproven;
    if (unproven) return { status: 'failed', ...done, remaining, result: unproven };
    return { status: done.sent > 0 || remaining > 0 ? 'sent' : 'empty', ...done, remaining };
  }

  private async post(entry: OutboxEntry): Promise<TelemetryHttpResult> {
    const errors = this.options.errors!;
    const path = pathOf(entry.key);
    // An entry of an unknown kind (a newer version wrote it) cannot be sent: treat it as invalid.
    if (!path) return { ok: false, status: 400, error: `unknown entry kind ${entry.key}` };
    const url = errors.receiverUrl + path;
    this.warnIfInsecure(url);
    try {
      const response = await firstValueFrom(
        this.http.request<string>({
          method: 'POST',
          url,
          data: JSON.stringify(entry.value),
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'User-Agent': TELEMETRY_USER_AGENT,
            'X-API-Key': errors.projectKey,
          },
          timeout: this.options.requestTimeout,
          transformRequest: [(data: unknown) => data],
          transformResponse: [(data: string) => data],
          responseType: 'text',
          validateStatus: () => true,
          maxRedirects: 0,
        }),
      );
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        status: response.status,
        retryAfterSeconds: parseRetryAfter(response.headers['retry-after']),
        error: ok ? undefined : `HTTP ${response.status}${reasonOf(response.data)}`,
      };
    } catch (error) {
      const reason = isAxiosError(error) ? (error.code ?? error.message) : errorText(error);
      return { ok: false, error: reason || 'request failed' };
    }
  }

  private warnIfInsecure(url: string): void {
    if (this.insecureWarned || this.options.allowInsecureTransport || !isInsecureRemoteUrl(url))
      return;
    this.insecureWarned = true;
    this.logger.warn(ErrorsMessages.insecureTransport(url));
  }
}

/** `: <message>` of a Micrologs envelope (or `error` of a 429 body), for the logs. */
function reasonOf(text: unknown): string {
  if (typeof text !== 'string') return '';
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const reason = [body.message, body.error].find((v) => typeof v === 'string' && v !== '');
    return typeof reason === 'string' ? `: ${reason.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}
