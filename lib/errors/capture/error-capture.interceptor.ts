import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { ErrorCaptureService } from './error-capture.service';
import { currentRequest } from './request-context';

/**
 * Registered globally (`APP_INTERCEPTOR`) by `TelemetryModule`. It observes what a handler throws —
 * in HTTP controllers on Express and Fastify, and in microservice and WebSocket handlers — reports
 * it, and rethrows the very same error, so the application's exception filters see it unchanged and
 * answer exactly as before. Errors thrown before interceptors run (guards, middleware) are not seen.
 * It also makes the request available to code running inside the handler (actor resolution).
 */
@Injectable()
export class ErrorCaptureInterceptor implements NestInterceptor {
  constructor(private readonly capture: ErrorCaptureService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.capture.active) return next.handle();
    const kind = context.getType<string>();
    const request = kind === 'http' ? context.switchToHttp().getRequest<unknown>() : undefined;
    const handler = `${context.getClass().name}.${context.getHandler().name}`;
    const pattern = patternOf(context, kind);
    return new Observable((subscriber) =>
      // Subscribing inside run() makes the handler (called on subscription) see the request.
      currentRequest.run(request, () =>
        next
          .handle()
          .pipe(
            catchError((error: unknown) => {
              void this.capture.report(error, { kind, handler, pattern }, request);
              return throwError(() => error);
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}

/**
 * The message pattern of a microservice or WebSocket handler (`{"cmd":"orders.find"}`,
 * `orders:subscribe`): what a route is to HTTP. Transports without one give `undefined`.
 */
function patternOf(context: ExecutionContext, kind: string): string | undefined {
  let pattern: unknown;
  try {
    if (kind === 'rpc') {
      const transport = context.switchToRpc().getContext<{ getPattern?: () => unknown }>();
      pattern = typeof transport?.getPattern === 'function' ? transport.getPattern() : undefined;
    } else if (kind === 'ws') {
      pattern = context.switchToWs().getPattern();
    }
  } catch {
    return undefined;
  }
  if (typeof pattern === 'string') return pattern || undefined;
  return pattern === undefined ? undefined : JSON.stringify(pattern);
}
