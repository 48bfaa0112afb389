import { AUDITED_METADATA } from '../../errors.constants';
import { AUDIT_RECORDER, type AuditRecorder } from '../audit-recorder';

/** Options of `@Audited()`: how the entry's actor and context come from the call. */
export interface AuditedOptions {
  /**
   * The actor, from the method's arguments. Default: the `errors.actor` resolver applied to the
   * request being handled (empty when there is none).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actor?: (...args: any[]) => string | undefined | null;
  /** The entry's context, from the method's result and arguments. Default: none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  context?: (result: any, ...args: any[]) => Record<string, unknown> | undefined | null;
}

/** @internal What `@Audited()` stores on the method. */
export interface AuditedDefinition extends AuditedOptions {
  action: string;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * Records an audit entry (`POST /api/track/audit.php`, through the errors outbox) each time the
 * method succeeds — after its promise resolves, for async methods; a throwing method records
 * nothing. Works on controller and provider methods of singleton classes; `TelemetryModule`
 * (with its `errors` option) must be imported, or the application refuses to start.
 *
 * @example
 * ```ts
 * @Audited('order.refunded', { actor: (orderId: string, user: User) => user.email })
 * async refund(orderId: string, user: User) { ... }
 * ```
 */
export function Audited(action: string, options: AuditedOptions = {}): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const original = descriptor.value as AnyMethod;
    const definition: AuditedDefinition = { action, ...options };
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const recorder = (this as Record<symbol, AuditRecorder | undefined> | null)?.[AUDIT_RECORDER];
      const result = original.apply(this, args);
      if (!recorder) return result;
      if (isThenable(result)) {
        return Promise.resolve(result).then((value) => {
          recorder.recordCall(definition, args, value);
          return value;
        });
      }
      recorder.recordCall(definition, args, result);
      return result;
    };
    // Metadata other decorators put on the method (routes, guards…) must stay visible to Nest.
    for (const key of Reflect.getMetadataKeys(original)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapped);
    }
    Object.defineProperty(wrapped, 'name', { value: original.name });
    Reflect.defineMetadata(AUDITED_METADATA, definition, wrapped);
    descriptor.value = wrapped;
    return descriptor;
  };
}
