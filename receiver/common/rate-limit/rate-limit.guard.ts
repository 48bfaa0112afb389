import { createHash } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RECEIVER_OPTIONS } from '../../config/receiver-options.constants';
import type { ResolvedReceiverOptions } from '../../config/receiver-options.interface';
import {
  PROJECT_KEY_LOOKUP,
  type ProjectKeyLookup,
  RECEIVER_AUTH_METADATA,
  type ReceiverAuthKind,
} from '../auth/auth.constants';
import { CommonMessages } from '../common.messages';
import { routeMetadata } from '../decorators/route-metadata';
import { OutageLog } from '../../../lib/outage/outage.log';
import { ReceiverRawHttpException } from '../envelope/envelope';
import { phpTrim } from '../input/php-input';
import { clientIp } from '../request/client-ip';
import { header } from '../request/receiver-request';
import { isTestModeRequest } from '../request/client-context';
import { RATE_LIMIT_METADATA, type RateLimitDefinition } from './decorators/rate-limit.decorator';
import { RATE_LIMIT_STORAGE } from './rate-limit.providers';
import type { RateLimitStorage } from '../../config/receiver-extensions.interface';

/** Counter keys remembered before the memo starts over. */
const COUNTER_KEY_MEMO_LIMIT = 10_000;

/** One counter to hit: who is counted, against which limit, blocked for how long. */
interface Counter {
  identifier: string;
  limit: number;
  blockSeconds: number;
}

/**
 * Applies `@RateLimit()` (step 3 of the pipeline, before auth), with the limits of the
 * `rateLimit` option (the contract's by default). Callers of routes that take either key (error,
 * audit) presenting a project's secret key are server-side: they are counted per project, not per
 * IP. Fail-open: when the storage throws (Redis down), the request is let through; the outage is
 * logged once when it starts and once when it ends, not once per request.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly counterKeys = new Map<string, string>();
  private readonly outage = new OutageLog(
    new Logger('ReceiverRateLimit'),
    CommonMessages.rateLimitStorageDown,
    CommonMessages.rateLimitStorageBack,
  );

  constructor(
    private readonly reflector: Reflector,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    @Inject(PROJECT_KEY_LOOKUP) private readonly keys: ProjectKeyLookup,
  ) {}

  /**
   * Synchronous when nothing is counted (no `@RateLimit`, the test hook) and for per-IP counters
   * until the storage is asked: Nest waits for a promise only when there is something to wait for.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const definition = routeMetadata<RateLimitDefinition>(
      this.reflector,
      RATE_LIMIT_METADATA,
      context,
    );
    const request = context.switchToHttp().getRequest<unknown>();
    if (!definition || isTestModeRequest(request, this.options)) return true;
    const auth = routeMetadata<ReceiverAuthKind>(this.reflector, RECEIVER_AUTH_METADATA, context);
    if (auth === 'either') {
      return this.serverSideCounter(request, definition)
        .then((counter) => counter ?? this.perIpCounter(request, definition))
        .then((counter) => this.hit(counter));
    }
    return this.hit(this.perIpCounter(request, definition));
  }

  private async hit(counter: Counter): Promise<boolean> {
    if (counter.limit === 0) return true;
    const { windowSeconds } = this.options.rateLimits;
    const key = this.counterKey(counter.identifier);
    let outcome;
    try {
      outcome = await this.storage.hit(key, counter.limit, windowSeconds, counter.blockSeconds);
    } catch (error) {
      this.outage.down(error);
      return true;
    }
    this.outage.up();
    if (outcome === 'blocked-now') {
      throw new ReceiverRawHttpException(429, { error: CommonMessages.rateLimitedNow });
    }
    if (outcome === 'blocked') {
      throw new ReceiverRawHttpException(429, { error: CommonMessages.rateLimited });
    }
    return true;
  }

  /**
   * SHA-256 hex of a counter identifier (fixed-length storage keys that carry no IP). Memoised:
   * the same callers come back to the same endpoints, and hashing is a visible part of a cached
   * analytics answer's cost. Bounded, since identifiers come from clients.
   */
  private counterKey(identifier: string): string {
    let key = this.counterKeys.get(identifier);
    if (key === undefined) {
      key = createHash('sha256').update(identifier).digest('hex');
      if (this.counterKeys.size >= COUNTER_KEY_MEMO_LIMIT) this.counterKeys.clear();
      this.counterKeys.set(identifier, key);
    }
    return key;
  }

  /**
   * Callers of routes that take either key presenting a project's secret key: counted per
   * project; `undefined` for everyone else.
   */
  private async serverSideCounter(
    request: unknown,
    { suffix }: RateLimitDefinition,
  ): Promise<Counter | undefined> {
    const project = await this.secretKeyProject(request);
    if (project === undefined) return undefined;
    const { secretKey } = this.options.rateLimits;
    return {
      identifier: `project:${project}${suffix}`,
      limit: secretKey.limit,
      blockSeconds: secretKey.blockSeconds,
    };
  }

  private perIpCounter(request: unknown, { suffix, limit }: RateLimitDefinition): Counter {
    const limits = this.options.rateLimits;
    const name = suffix.startsWith('_') ? suffix.slice(1) : suffix;
    return {
      // `<ip>_project_verify`, as the original's `getClientIp() . "_project_verify"`: the same
      // `rl:block:<sha256>` key, so an operator's unblock (or a Valkey shared while migrating)
      // works for both.
      identifier: `${clientIp(request, this.options.trustedProxies)}_${name}`,
      limit: limits.perIp[name] ?? limit,
      blockSeconds: limits.blockSeconds,
    };
  }

  /**
   * The id of the project whose secret key the request carries. A failing lookup (database down)
   * counts the caller per IP: the auth step after this one answers for the database.
   */
  private async secretKeyProject(request: unknown): Promise<number | undefined> {
    const key = phpTrim(header(request, 'x-api-key'));
    if (!key) return undefined;
    try {
      return (await this.keys.findBySecretKey(key))?.id;
    } catch {
      return undefined;
    }
  }
}
