import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { errorText } from '../../outbox/telemetry-outbox.service';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { ActorReader } from '../capture/actor.reader';
import { truncateBytes } from '../capture/error-report.builder';
import { currentRequest } from '../capture/request-context';
import { MICROLOGS_LIMITS } from '../errors.constants';
import { ErrorsMessages } from '../errors.messages';
import { ErrorsOutbox } from '../outbox/errors.outbox';
import type { AuditedDefinition } from '../interfaces/audited-options.interface';

/** An audit entry's context: a JSON object or array (the receiver keeps up to 8 KB of it). */
type AuditContext = Record<string, unknown> | unknown[];

/**
 * Records who did what (Micrologs audit log, `POST /api/track/audit.php`), through the same durable
 * outbox as error reports: an entry survives a receiver outage and a restart.
 *
 * @example
 * ```ts
 * await this.audit.log('user.password_changed', user.email, { ip_country: 'CH' });
 * ```
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('TelemetryErrors');
  private notConfiguredLogged = false;

  /** @internal Nest creates this service. */
  constructor(
    private readonly outbox: ErrorsOutbox,
    private readonly actors: ActorReader,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  /**
   * Adds an entry. `actor` defaults to the `errors.actor` resolver applied to the request being
   * handled. Resolves `true` once the entry is in the outbox; `false` (and one log line) when it
   * cannot be kept — no `errors` option, telemetry disabled, an empty `action`. Never throws.
   */
  async log(
    action: string,
    actor?: string | null,
    context?: Record<string, unknown> | unknown[] | null,
  ): Promise<boolean> {
    if (!this.options.errors || !this.options.enabled) {
      if (!this.notConfiguredLogged && this.options.enabled) {
        this.logger.error(ErrorsMessages.auditNotConfigured());
      }
      this.notConfiguredLogged = true;
      return false;
    }
    try {
      if (!isValidAction(action)) {
        this.logger.error(ErrorsMessages.auditActionMissing('AuditService.log()'));
        return false;
      }
      const who = actor ?? (await this.actors.resolve(currentRequest.getStore())) ?? '';
      return await this.outbox.add('audit', {
        action: action.trim(),
        actor: truncateBytes(String(who), MICROLOGS_LIMITS.actor),
        context: boundedContext(context),
      });
    } catch (error) {
      this.logger.warn(ErrorsMessages.auditFailed(String(action), errorText(error)));
      return false;
    }
  }

  /** @internal Called by `@Audited()` methods after a successful call. */
  recordCall(definition: AuditedDefinition, args: unknown[], result: unknown): void {
    let actor: string | null | undefined;
    let context: AuditContext | null | undefined;
    try {
      actor = definition.actor?.(...args);
      context = definition.context?.(result, ...args);
    } catch (error) {
      this.logger.warn(ErrorsMessages.auditFailed(definition.action, errorText(error)));
    }
    void this.log(definition.action, actor, context);
  }
}

/** A non-empty action the receiver accepts (≤ 100 bytes once trimmed). */
export function isValidAction(action: unknown): action is string {
  return (
    typeof action === 'string' &&
    action.trim() !== '' &&
    Buffer.byteLength(action.trim()) <= MICROLOGS_LIMITS.action
  );
}

/** The context, unless the receiver would drop it for exceeding 8 KB: then a marker says so. */
function boundedContext(context: AuditContext | null | undefined): AuditContext | null {
  if (context === undefined || context === null || typeof context !== 'object') return null;
  const size = Buffer.byteLength(JSON.stringify(context));
  return size <= MICROLOGS_LIMITS.contextBytes ? context : { context_truncated: true };
}
