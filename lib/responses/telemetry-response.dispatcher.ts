import { Injectable, Logger } from '@nestjs/common';
import { errorText } from '../outbox/telemetry-outbox.service';
import { TelemetryMessages } from '../telemetry.messages';

/** A discovered `@TelemetryResponseHandler()` method. */
export interface TelemetryResponseHandlerDefinition {
  /** Top-level response key it handles. */
  readonly key: string;
  readonly className: string;
  readonly methodName: string;
  /** Calls the method with the key's value. */
  readonly invoke: (value: unknown) => unknown;
}

/**
 * Hands each top-level key of a report answer to the handlers registered for it, in body order
 * then registration order. Unlike the Laravel package, a throwing handler does not stop the
 * others: it is logged, and dispatch goes on.
 */
@Injectable()
export class TelemetryResponseDispatcher {
  private readonly logger = new Logger('Telemetry');
  private readonly handlers = new Map<string, TelemetryResponseHandlerDefinition[]>();

  /** Adds a handler; usually done by the explorer, also usable to register one by hand. */
  register(handler: TelemetryResponseHandlerDefinition): void {
    const list = this.handlers.get(handler.key) ?? [];
    list.push(handler);
    this.handlers.set(handler.key, list);
  }

  getHandlers(): TelemetryResponseHandlerDefinition[] {
    return [...this.handlers.values()].flat();
  }

  /** Dispatches a parsed JSON answer; anything but a plain object is ignored. Never throws. */
  async dispatch(body: unknown): Promise<void> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    for (const [key, value] of Object.entries(body)) {
      for (const handler of this.handlers.get(key) ?? []) {
        try {
          await handler.invoke(value);
        } catch (error) {
          this.logger.error(
            TelemetryMessages.handlerFailed(
              `${handler.className}.${handler.methodName}`,
              key,
              errorText(error),
            ),
          );
        }
      }
    }
  }
}
