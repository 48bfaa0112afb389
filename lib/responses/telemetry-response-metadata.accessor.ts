import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TELEMETRY_RESPONSE_HANDLER_METADATA } from '../telemetry.constants';

/** Reads the metadata `@TelemetryResponseHandler()` attaches to a method. */
@Injectable()
export class TelemetryResponseMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getHandlerOptions(target: (...args: unknown[]) => unknown): { key?: string } | undefined {
    return this.reflector.get<{ key?: string } | undefined>(
      TELEMETRY_RESPONSE_HANDLER_METADATA,
      target,
    );
  }
}
