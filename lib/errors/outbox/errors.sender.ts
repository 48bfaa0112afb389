import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import type { OutboxEntry } from '../../outbox/interfaces/telemetry-store.interface';
import { errorText } from '../../outbox/telemetry-outbox.service';
import { isInsecureRemoteUrl } from '../../security/request-security.service';
import { TELEMETRY_OPTIONS, TELEMETRY_USER_AGENT } from '../../telemetry.constants';
import { parseRetryAfter } from '../../transport/telemetry-http.client';
import type { TelemetryHttpResult } from '../../transport/interfaces/telemetry-http-result.interface';
import { MICROLOGS_ENTRIES } from '../errors.constants';
import { ErrorsMessages } from '../errors.messages';
import { ErrorsOutbox } from './errors.outbox';

/** What one {@link ErrorsSender.sendBacklog} call did. */
export type ErrorsSendOutcome =
  | { status: 'sent' | 'empty' | 'locked'; sent: number; remaining: number }
  | { status: 'failed'; sent: number; remaining: number; result: TelemetryHttpResult };

const LOCK_NAME = 'errors-send';
const BATCH = 100;

/** 4xx that say "this body will never be accepted": the report is dropped (and logged). */
const isInvalidBody = (status: number | undefined) =>
  status === 400 || status === 413 || status === 422;

const pathOf = (key: string): string | undefined =>
  Object.values(MICROLOGS_ENTRIES).find((entry) => entry.key === key)?.path;

/**
 * POSTs the errors outbox to the receiver, oldest first, one Micrologs request per entry with the
 * project's secret key in `X-API-Key`. An entry is removed only after a 2xx, or after a 400/413
 * (the receiver will never take that body). Any other failure stops the round and keeps the rest,
 * in order, for the next attempt. One process at a time per store sends (a lock).
 */
@Injectable()
export class ErrorsSender {
  private readonly logger = new Logger('TelemetryErrors');
  private insecureWarned = false;

  constructor(
    private readonly outbox: ErrorsOutbox,
    private readonly http: HttpService,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  async sendBacklog(deadline = Infinity): Promise<ErrorsSendOutcome> {
    const store = this.outbox.store;
    if (!store) return { status: 'empty', sent: 0, remaining: 0 };
    const ttl = Math.max(60_000, this.options.requestTimeout * 3);
    const lock = await store.acquireLock(LOCK_NAME, ttl);
    if (!lock) return { status: 'locked', sent: 0, remaining: await store.size() };
    const stopAt = Math.min(deadline, Date.now() + ttl - this.options.requestTimeout - 5_000);
    let sent = 0;
    try {
      while (Date.now() <= stopAt) {
        const batch = await store.pending(BATCH);
        if (batch.length === 0) break;
        for (const entry of batch) {
          const result = await this.post(entry);
          if (result.ok || isInvalidBody(result.status)) {
            if (!result.ok) {
              this.logger.warn(ErrorsMessages.refusedDropped(entry.key, result.error ?? ''));
            } else sent++;
            await store.acknowledge([entry.id]);
            continue;
          }
          return { status: 'failed', sent, remaining: await store.size(), result };
        }
      }
      const remaining = await store.size();
      return { status: sent > 0 || remaining > 0 ? 'sent' : 'empty', sent, remaining };
    } finally {
      await lock.release().catch(() => undefined);
    }
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
