import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { errorText } from '../outbox/telemetry-outbox.service';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import {
  ACCEPT_BATCH_HEADER,
  compressBody,
  encodeBatch,
  encodePayload,
  FEATURE_FLAGS_KEY,
  MAX_BATCH_BODY_BYTES,
  type TelemetryPayload,
} from '../protocol';
import { readFlagSet } from '../flags/flag-set.reader';
import type { FeatureFlagValue } from '../flags/interfaces/feature-flags.interface';
import { AuthTokenManager } from '../security/auth-token.manager';
import { RequestSecurityService } from '../security/request-security.service';
import { SecurityMessages } from '../security/security.messages';
import { TELEMETRY_OPTIONS, TELEMETRY_USER_AGENT } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { resolveFlagsUrl } from './flags-url';
import { requestLimits } from './request-limits';
import type {
  TelemetryFlagsResult,
  TelemetryHttpResult,
} from './interfaces/telemetry-http-result.interface';

export type {
  TelemetryFlagsResult,
  TelemetryHttpResult,
} from './interfaces/telemetry-http-result.interface';

interface RawAnswer {
  status?: number;
  headers: Record<string, unknown>;
  text?: string;
  error?: string;
}

/**
 * Every request the client makes to the receiver: the report POST and the flags GET. Each carries
 * the bearer token, the custom headers and a signature of the exact bytes sent; a 401 is repaired
 * once by fetching a fresh token. Never throws: failures come back as results, so the caller keeps
 * its backlog and backs off.
 */
@Injectable()
export class TelemetryHttpClient {
  private readonly logger = new Logger('TelemetryHttp');
  /** True while even freshly fetched tokens are refused (401): logged once per streak. */
  private tokenRefused = false;

  constructor(
    private readonly http: HttpService,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    private readonly security: RequestSecurityService,
    private readonly tokens: AuthTokenManager,
  ) {}

  /** Serialises the payload ONCE and POSTs exactly those bytes (signed, maybe sealed) to `serverUrl`. */
  postReport(payload: TelemetryPayload): Promise<TelemetryHttpResult> {
    return this.post(encodePayload(payload), false);
  }

  /**
   * POSTs several rounds as one batch (only to a receiver that said it accepts batches), gzip-
   * compressed when large; the signature covers the compressed bytes, i.e. the bytes sent. A body
   * that would exceed {@link MAX_BATCH_BODY_BYTES} is not sent: the result says `tooLarge` and the
   * caller sends fewer rounds.
   */
  postBatch(rounds: TelemetryPayload[]): Promise<TelemetryHttpResult> {
    return this.post(encodeBatch(rounds), true);
  }

  private async post(json: string, batch: boolean): Promise<TelemetryHttpResult> {
    if (!this.options.serverUrl) return { ok: false, error: TelemetryMessages.serverUrlMissing() };
    const sealed = this.security.prepareBody(json);
    const prepared = batch ? await compressBody(sealed.body) : { body: sealed.body, headers: {} };
    if (batch && prepared.body.length > MAX_BATCH_BODY_BYTES) {
      return { ok: false, tooLarge: true, error: TelemetryMessages.batchTooLarge() };
    }
    const base = {
      ...this.baseHeaders(),
      'Content-Type': 'application/json',
      ...sealed.headers,
      ...prepared.headers,
    };
    const answer = await this.withToken((token) =>
      this.send(
        'POST',
        this.options.serverUrl,
        this.security.headersFor(this.options.serverUrl, base, token, prepared.body),
        prepared.body,
      ),
    );
    const ok = isSuccess(answer.status);
    return {
      ok,
      status: answer.status,
      body: parseJson(answer.text),
      retryAfterSeconds: retryAfterOf(answer),
      acceptBatch: ok ? acceptBatchOf(answer) : undefined,
      tooLarge: answer.status === 413 || undefined,
      error: ok ? undefined : (answer.error ?? httpFailure(answer)),
    };
  }

  /**
   * GETs the flags for this host from `flagsUrl` (default: `<serverUrl>/flags?host=<host>`). With
   * `etag`, sends `If-None-Match`; a 304 comes back as `notModified`.
   */
  async getFlags(etag?: string): Promise<TelemetryFlagsResult> {
    const url = resolveFlagsUrl(this.options);
    if (!url) return { ok: false, notModified: false, error: TelemetryMessages.flagsUrlMissing() };
    const base: Record<string, string> = this.baseHeaders();
    if (etag) base['If-None-Match'] = etag;
    const answer = await this.withToken((token) =>
      this.send('GET', url, this.security.headersFor(url, base, token)),
    );
    if (answer.status === 304) return { ok: true, status: 304, notModified: true, etag };
    if (!isSuccess(answer.status)) {
      return {
        ok: false,
        notModified: false,
        status: answer.status,
        retryAfterSeconds: retryAfterOf(answer),
        error: answer.error ?? httpFailure(answer),
      };
    }
    const flags = readFlagsAnswer(parseJson(answer.text));
    if (!flags) {
      return {
        ok: false,
        notModified: false,
        status: answer.status,
        error: TelemetryMessages.flagsAnswerInvalid(),
      };
    }
    const newEtag = typeof answer.headers.etag === 'string' ? answer.headers.etag : undefined;
    return { ok: true, notModified: false, status: answer.status, flags, etag: newEtag };
  }

  private baseHeaders(): Record<string, string> {
    return { Accept: 'application/json', 'User-Agent': TELEMETRY_USER_AGENT };
  }

  /** Runs `attempt` with the current token; on 401 with a token URL, refreshes it and tries once more. */
  private async withToken(
    attempt: (token: string | undefined) => Promise<RawAnswer>,
  ): Promise<RawAnswer> {
    let token: string | undefined;
    try {
      token = await this.tokens.getToken();
    } catch (error) {
      return { headers: {}, error: TelemetryMessages.tokenUnavailable(errorText(error)) };
    }
    const first = await attempt(token);
    if (first.status !== 401 || !this.tokens.refreshable) return this.tokenSettled(first);
    if (!this.tokenRefused) this.logger.log(SecurityMessages.tokenRejected());
    try {
      token = await this.tokens.refresh();
    } catch (error) {
      return {
        status: 401,
        headers: {},
        error: TelemetryMessages.tokenUnavailable(errorText(error)),
      };
    }
    const second = await attempt(token);
    if (second.status !== 401) return this.tokenSettled(second);
    // Refused on every report tick and flags poll until someone fixes the receiver or the host:
    // said once when it starts (and once when it ends), not twice per attempt.
    if (!this.tokenRefused) this.logger.warn(SecurityMessages.tokenRejectedAgain());
    this.tokenRefused = true;
    return second;
  }

  /** An answer other than 401 ends a streak of refused fresh tokens (logged once). */
  private tokenSettled(answer: RawAnswer): RawAnswer {
    if (this.tokenRefused && answer.status !== undefined && answer.status !== 401) {
      this.tokenRefused = false;
      this.logger.log(SecurityMessages.tokenAcceptedAgain());
    }
    return answer;
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<RawAnswer> {
    const limits = requestLimits(this.options.requestTimeout);
    try {
      const response = await firstValueFrom(
        this.http.request<string>({
          method,
          url,
          data: body,
          headers,
          ...limits.config,
          // The bytes are final (signed, maybe encrypted) and the answer is parsed here: axios must
          // not re-encode either.
          transformRequest: [(data: unknown) => data],
          transformResponse: [(data: string) => data],
          responseType: 'text',
          validateStatus: () => true,
          maxRedirects: 0,
        }),
      );
      return {
        status: response.status,
        headers: response.headers as Record<string, unknown>,
        text: response.data,
      };
    } catch (error) {
      const reason =
        limits.failure(error) ??
        (isAxiosError(error) ? (error.code ?? error.message) : errorText(error));
      return { headers: {}, error: reason || 'request failed' };
    }
  }
}

const isSuccess = (status: number | undefined): boolean =>
  status !== undefined && status >= 200 && status < 300;

function retryAfterOf(answer: RawAnswer): number | undefined {
  return answer.status === 429 || answer.status === 503
    ? parseRetryAfter(answer.headers['retry-after'])
    : undefined;
}

/** Most rounds per batch the receiver takes (its `X-Telemetry-Accept-Batch`), if it takes any. */
function acceptBatchOf(answer: RawAnswer): number | undefined {
  const value = answer.headers[ACCEPT_BATCH_HEADER.toLowerCase()];
  const rounds = typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value) : 0;
  return rounds > 1 ? rounds : undefined;
}

const REASON_MAX_LENGTH = 300;

/**
 * `HTTP 403: <the receiver's reason>`: the envelope's `message`, else an `error` field (the
 * Laravel receiver, 429 bodies), else a short plain-text body. The reason is what tells the user
 * what to fix (a wrong signature, an unknown host), so it reaches the logs and the CLI.
 */
function httpFailure(answer: RawAnswer): string {
  const body = parseJson(answer.text) as { message?: unknown; error?: unknown } | undefined;
  let reason: unknown;
  if (typeof body === 'object' && body !== null) {
    reason = [body.message, body.error].find((v) => typeof v === 'string' && v.trim() !== '');
  } else if (body === undefined && typeof answer.text === 'string' && !/^\s*</.test(answer.text)) {
    reason = answer.text.trim().split('\n')[0];
  }
  const text = typeof reason === 'string' ? reason.trim().slice(0, REASON_MAX_LENGTH) : '';
  return text ? `HTTP ${answer.status}: ${text}` : `HTTP ${answer.status}`;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The flags in a flags-endpoint answer: `{"feature_flags": {...}}` (the same key as report answers,
 * which ReceiverModule uses) or a bare `{name: value}` object; `[]` is a PHP server's empty set.
 * `undefined` when neither.
 */
function readFlagsAnswer(body: unknown): Record<string, FeatureFlagValue> | undefined {
  const wrapped =
    typeof body === 'object' && body !== null && !Array.isArray(body) && FEATURE_FLAGS_KEY in body;
  return readFlagSet(wrapped ? (body as Record<string, unknown>)[FEATURE_FLAGS_KEY] : body);
}
