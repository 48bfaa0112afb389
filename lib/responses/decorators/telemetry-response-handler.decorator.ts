import { SetMetadata } from '@nestjs/common';
import { TELEMETRY_RESPONSE_HANDLER_METADATA } from '../../telemetry.constants';

/**
 * Marks a method that receives one top-level key of the receiver's JSON answer after every
 * successful report. The method gets that key's value as its only argument; several handlers may
 * share a key, and a throwing handler is logged while the others still run.
 *
 * @param key the response key to handle; default `${ClassName}@${methodName}`.
 *
 * @example
 * ```ts
 * @TelemetryResponseHandler('notices')
 * showNotices(notices: string[]) { ... }
 * ```
 */
export function TelemetryResponseHandler(key?: string): MethodDecorator {
  return SetMetadata(TELEMETRY_RESPONSE_HANDLER_METADATA, { key });
}
