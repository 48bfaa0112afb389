import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryPayload } from '../reporting/interfaces/telemetry-payload.interface';
import { TELEMETRY_OPTIONS, TELEMETRY_USER_AGENT } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';

/** Outcome of one report request; never an exception. */
export interface TelemetryHttpResult {
  /** The server answered 2xx. */
  ok: boolean;
  /** HTTP status; `undefined` when no response arrived (network error, timeout). */
  status?: number;
  /** Parsed JSON body, if any. */
  body?: unknown;
  /** Seconds from `Retry-After` on 429/503. */
  retryAfterSeconds?: number;
  /** Human-readable reason when `!ok`. */
  error?: string;
}

/** Sends report payloads to `serverUrl` through `HttpService`. */
@Injectable()
export class TelemetryHttpClient {
  constructor(
    private readonly http: HttpService,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  /** Serialises the payload ONCE (JSON.stringify) and POSTs exactly those bytes to options.serverUrl. */
  async postReport(payload: TelemetryPayload): Promise<TelemetryHttpResult> {
    if (!this.options.serverUrl) return { ok: false, error: TelemetryMessages.serverUrlMissing() };
    const body = JSON.stringify(payload);
    try {
      const response = await firstValueFrom(
        this.http.post<string>(this.options.serverUrl, body, {
          headers: {
            Accept: 'application/json',
            'Content-Type': 'application/json',
            'User-Agent': TELEMETRY_USER_AGENT,
          },
          timeout: this.options.requestTimeout,
          // The body is already a string and the answer is parsed below: axios must not touch either.
          transformRequest: [(data: string) => data],
          transformResponse: [(data: string) => data],
          responseType: 'text',
          validateStatus: () => true,
        }),
      );
      const ok = response.status >= 200 && response.status < 300;
      return {
        ok,
        status: response.status,
        body: parseJson(response.data),
        retryAfterSeconds:
          response.status === 429 || response.status === 503
            ? parseRetryAfter(response.headers['retry-after'])
            : undefined,
        error: ok ? undefined : `HTTP ${response.status}`,
      };
    } catch (error) {
      const reason = isAxiosError(error) ? (error.code ?? error.message) : String(error);
      return { ok: false, error: reason || 'request failed' };
    }
  }
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
