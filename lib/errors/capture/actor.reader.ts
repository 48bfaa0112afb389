import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ResolvedTelemetryOptions } from '../../options/resolved-telemetry-options.interface';
import { errorText } from '../../outbox/telemetry-outbox.service';
import { TELEMETRY_OPTIONS } from '../../telemetry.constants';
import { ErrorsMessages } from '../errors.messages';
import { MICROLOGS_LIMITS } from '../errors.constants';
import { truncateBytes } from './error-report.builder';

/**
 * Runs the `errors.actor` resolver for error reports and audit entries. A resolver that throws
 * is logged once and treated as "no actor": it must never turn one error into two.
 */
@Injectable()
export class ActorReader {
  private readonly logger = new Logger('TelemetryErrors');
  private failureLogged = false;

  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions) {}

  async resolve(request: unknown): Promise<string | undefined> {
    const resolver = this.options.errors?.actor;
    if (!resolver) return undefined;
    try {
      const actor = await resolver(request);
      if (actor === undefined || actor === null || actor === '') return undefined;
      return truncateBytes(String(actor), MICROLOGS_LIMITS.actor);
    } catch (error) {
      if (!this.failureLogged) this.logger.warn(ErrorsMessages.actorFailed(errorText(error)));
      this.failureLogged = true;
      return undefined;
    }
  }
}
