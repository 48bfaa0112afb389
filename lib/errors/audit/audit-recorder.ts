import type { AuditedDefinition } from '../interfaces/audited-options.interface';

/** @internal Property through which an `@Audited()` method finds the service of its application. */
export const AUDIT_RECORDER = Symbol('nestjs-telemetry:audit-recorder');

/** @internal What `@Audited()` methods call after a successful call. */
export interface AuditRecorder {
  recordCall(definition: AuditedDefinition, args: unknown[], result: unknown): void;
}
