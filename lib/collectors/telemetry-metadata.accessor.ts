import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TELEMETRY_COLLECTOR_METADATA } from '../telemetry.constants';
import type { TelemetryCollectorOptions } from './interfaces/telemetry-collector-options.interface';

/** Reads the metadata `@Telemetry()` attaches to a method. */
@Injectable()
export class TelemetryMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getCollectorOptions(
    target: (...args: unknown[]) => unknown,
  ): TelemetryCollectorOptions | undefined {
    return this.reflector.get<TelemetryCollectorOptions | undefined>(
      TELEMETRY_COLLECTOR_METADATA,
      target,
    );
  }
}
