import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { OutageLog } from '../outage/outage.log';
import { errorText } from '../outbox/telemetry-outbox.service';
import type { TelemetryTokenAnswer, TelemetryTokenRequest } from '../protocol';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import type { TelemetryStore } from '../outbox/interfaces/telemetry-store.interface';
import { TELEMETRY_OPTIONS, TELEMETRY_STORE } from '../telemetry.constants';
import { requestLimits } from '../transport/request-limits';
import { RequestSecurityService } from './request-security.service';
import { AUTH_TOKEN_STORE_KEY } from './security.constants';
import { SecurityMessages } from './security.messages';

/** Thrown when a token is needed but the token URL could not provide one; nothing is sent then. */
export class AuthTokenUnavailableError extends Error {}

/**
 * Decides which bearer token goes with a request (contract §7): the token from `authTokenUrl` when
 * one is configured — cached in the telemetry store so replicas sharing a Redis store and restarts
 * of a file store reuse it — else the static `authToken`.
 */
@Injectable()
export class AuthTokenManager {
  private readonly logger = new Logger('TelemetryAuth');
  private inFlight?: Promise<string | undefined>;
  // Every report tick and flags poll asks again while the token URL fails (the Laravel package
  // asks once per 15-minute run): its failure is logged when it starts and when it ends, and a
  // 2xx without a token once per streak, not on every attempt.
  private readonly fetchOutage = new OutageLog(
    this.logger,
    SecurityMessages.tokenFetchFailed,
    SecurityMessages.tokenFetchRecovered,
  );
  private missingWarned = false;

  constructor(
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly http: HttpService,
    private readonly security: RequestSecurityService,
  ) {}

  /** True when a 401 can be repaired by fetching a new token. */
  get refreshable(): boolean {
    return Boolean(this.options.authTokenUrl);
  }

  /** True when requests carry a token (static or fetched). */
  get configured(): boolean {
    return Boolean(this.options.authTokenUrl || this.options.authToken);
  }

  /**
   * The token to send, or `undefined` for none. Throws {@link AuthTokenUnavailableError} when the
   * token URL fails, so the caller keeps its data instead of sending it unauthenticated.
   */
  async getToken(): Promise<string | undefined> {
    if (!this.options.authTokenUrl) return this.options.authToken || undefined;
    const cached = await this.readCached();
    if (cached) return cached;
    return this.fetch();
  }

  /** Drops the cached token (after a 401) and fetches a new one. */
  async refresh(): Promise<string | undefined> {
    await this.clear();
    return this.fetch();
  }

  /** Forgets the cached token; the next request fetches a new one. */
  async clear(): Promise<void> {
    try {
      await this.store.deleteValue(AUTH_TOKEN_STORE_KEY);
    } catch (error) {
      this.logger.warn(SecurityMessages.tokenStoreFailed(errorText(error)));
    }
  }

  // Concurrent callers (reporter and flags poller) share one request to the token URL.
  private fetch(): Promise<string | undefined> {
    this.inFlight ??= this.request().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async request(): Promise<string | undefined> {
    let status: number;
    let data: unknown;
    // The token comes back in the answer: plain HTTP exposes it just like a request header would.
    this.security.warnIfInsecure(this.options.authTokenUrl!);
    const limits = requestLimits(this.options.requestTimeout);
    try {
      const response = await firstValueFrom(
        this.http.post(
          this.options.authTokenUrl!,
          { host: this.options.host } satisfies TelemetryTokenRequest,
          {
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            ...limits.config,
            validateStatus: () => true,
          },
        ),
      );
      status = response.status;
      data = response.data;
    } catch (error) {
      const reason = limits.failure(error) ?? errorText(error);
      this.fetchOutage.down(reason);
      throw new AuthTokenUnavailableError(reason);
    }
    if (status >= 400) {
      const reason = `token endpoint answered HTTP ${status}`;
      this.fetchOutage.down(reason);
      throw new AuthTokenUnavailableError(reason);
    }
    this.fetchOutage.up();
    // Typed as the wire answer, checked as untrusted input.
    const token = tokenOf(
      typeof data === 'object' && data !== null
        ? (data as Partial<TelemetryTokenAnswer>).token
        : undefined,
    );
    if (token === undefined) {
      // Contract §7: a 2xx without a token is not an error; the request goes out without one.
      if (!this.missingWarned) this.logger.warn(SecurityMessages.tokenMissingInAnswer());
      this.missingWarned = true;
      return undefined;
    }
    this.missingWarned = false;
    try {
      await this.store.setValue(AUTH_TOKEN_STORE_KEY, token);
    } catch (error) {
      this.logger.warn(SecurityMessages.tokenStoreFailed(errorText(error)));
    }
    return token;
  }

  private async readCached(): Promise<string | undefined> {
    try {
      const value = await this.store.getValue<string>(AUTH_TOKEN_STORE_KEY);
      return typeof value === 'string' && value !== '' ? value : undefined;
    } catch (error) {
      this.logger.warn(SecurityMessages.tokenStoreFailed(errorText(error)));
      return undefined;
    }
  }
}

/**
 * The token of an answer, read as the Laravel package reads it (contract §7): any truthy value in
 * PHP's sense is a token — a non-empty string other than `"0"`, or a non-zero number (servers that
 * issue numeric tokens) — and everything else is "no token".
 */
function tokenOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' || value === '0' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value) && value !== 0) return String(value);
  return undefined;
}
