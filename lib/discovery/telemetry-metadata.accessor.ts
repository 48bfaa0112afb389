import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { TelemetryCollectorOptions } from '../collectors/decorators/telemetry.decorator';
import type { AuditedDefinition } from '../errors/interfaces/audited-options.interface';
import { AUDITED_METADATA } from '../errors/errors.constants';
import {
  TELEMETRY_COLLECTOR_METADATA,
  TELEMETRY_RESPONSE_HANDLER_METADATA,
} from '../telemetry.constants';

type Method = (...args: unknown[]) => unknown;

/** Reads the metadata `@Telemetry()`, `@TelemetryResponseHandler()` and `@Audited()` attach to a method. */
@Injectable()
export class TelemetryMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getCollectorOptions(target: Method): TelemetryCollectorOptions | undefined {
    return this.reflector.get<TelemetryCollectorOptions | undefined>(
      TELEMETRY_COLLECTOR_METADATA,
      target,
    );
  }

  getHandlerOptions(target: Method): { key?: string } | undefined {
    return this.reflector.get<{ key?: string } | undefined>(
      TELEMETRY_RESPONSE_HANDLER_METADATA,
      target,
    );
  }

  getAuditedDefinition(target: Method): AuditedDefinition | undefined {
    return this.reflector.get<AuditedDefinition | undefined>(AUDITED_METADATA, target);
  }
}
