import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { errorText } from '../../outbox/telemetry-outbox.service';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { ErrorsMessages } from '../errors.messages';
import type { ErrorSeverity } from '../interfaces/error-capture-options.interface';
import { ErrorsOutbox } from '../outbox/errors.outbox';
import { ActorReader } from './actor.reader';
import { ErrorCoalescer } from './error-coalescer';
import { buildErrorBody, type CaptureSource } from './error-report.builder';
import { currentRequest } from './request-context';
import { requestDetails } from './request-details';

/** Details of a manual report ({@link ErrorCaptureService.capture}). */
export interface ErrorCaptureDetails {
  /** The Express / Fastify request it happened in; default: the request being handled, if any. */
  request?: unknown;
  /** Severity over the `errors.severity` mapping. */
  severity?: ErrorSeverity;
  /** Extra context stored with the event (kept under the receiver's 8 KB limit). */
  context?: Record<string, unknown>;
}

/** The status of an `HttpException` (duck-typed, so a second copy of @nestjs/common works too). */
export function httpStatusOf(error: unknown): number | undefined {
  const candidate = error as { getStatus?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  if (typeof candidate.getStatus !== 'function') return undefined;
  const status: unknown = (candidate.getStatus as () => unknown).call(candidate);
  return typeof status === 'number' ? status : undefined;
}

/** The exceptions microservice and WebSocket handlers throw to answer their caller with an error. */
const CLIENT_ANSWERS = new Set(['RpcException', 'WsException']);

/**
 * An `RpcException` or `WsException` (or a subclass): the handler's deliberate answer to its
 * caller, as a 4xx `HttpException` is. Matched by class name along the prototype chain, so neither
 * `@nestjs/microservices` nor `@nestjs/websockets` has to be installed, and a second copy matches.
 */
export function isClientAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  for (let proto = Object.getPrototypeOf(error) as object | null; proto;) {
    if (
      CLIENT_ANSWERS.has((proto as { constructor?: { name?: string } }).constructor?.name ?? '')
    ) {
      return true;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}

/**
 * Turns errors into Micrologs error reports in the errors outbox: the capture interceptor and the
 * process listener call it for unhandled errors, and applications may call {@link capture} for
 * errors they handle themselves. Never throws and never delays the caller beyond the outbox write.
 */
@Injectable()
export class ErrorCaptureService {
  private readonly logger = new Logger('TelemetryErrors');
  private readonly coalescer: ErrorCoalescer;

  /** @internal Nest creates this service. */
  constructor(
    private readonly outbox: ErrorsOutbox,
    private readonly actors: ActorReader,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {
    this.coalescer = new ErrorCoalescer(options.errors?.coalesceWindow ?? 0, (body) =>
      this.outbox.add('error', body),
    );
  }

  /** True when the `errors` option is configured and telemetry is enabled. */
  get active(): boolean {
    return this.options.enabled && this.options.errors !== undefined;
  }

  /**
   * Reports an error the application handled itself. Resolves `true` once the report is in the
   * outbox (or counted in a burst), `false` when it is not reported (capture off, or the severity
   * mapping skipped it).
   */
  capture(error: unknown, details: ErrorCaptureDetails = {}): Promise<boolean> {
    const request = 'request' in details ? details.request : currentRequest.getStore();
    return this.report(
      error,
      { kind: 'manual', extra: details.context },
      request,
      details.severity,
    );
  }

  /** @internal Reports an unhandled error from the given source. */
  async report(
    error: unknown,
    source: CaptureSource,
    request?: unknown,
    severity?: ErrorSeverity,
    fallbackSeverity: ErrorSeverity = 'error',
  ): Promise<boolean> {
    const errors = this.options.errors;
    if (!this.active || !errors) return false;
    try {
      const status = httpStatusOf(error);
      const decided = severity ?? this.severityOf(error, status, fallbackSeverity);
      if (decided === false) return false;
      const details = requestDetails(request, errors.redactQueryParams);
      const actor = await this.actors.resolve(request);
      const body = buildErrorBody(
        error,
        {
          ...source,
          ...(status !== undefined && { status }),
          ...(actor && { actor }),
          request: details,
        },
        decided,
        errors.environment,
      );
      await this.coalescer.add(body);
      return true;
    } catch (failure) {
      this.logger.warn(ErrorsMessages.captureFailed(errorText(failure)));
      return false;
    }
  }

  /** @internal Sends the counted repeats of every open burst to the outbox now. */
  flushBursts(): Promise<void> {
    return this.coalescer.flush();
  }

  private severityOf(
    error: unknown,
    status: number | undefined,
    fallback: ErrorSeverity,
  ): ErrorSeverity | false {
    const mapped = this.options.errors?.severity?.(error, status);
    if (mapped !== undefined) return mapped;
    if (status !== undefined && status < 500) return false;
    if (isClientAnswer(error)) return false;
    return fallback;
  }
}
