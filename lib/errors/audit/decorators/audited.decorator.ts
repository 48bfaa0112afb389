import { AUDITED_METADATA } from '../../errors.constants';
import type { AuditedDefinition, AuditedOptions } from '../../interfaces/audited-options.interface';
import { AUDIT_RECORDER, type AuditRecorder } from '../audit-recorder';

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
