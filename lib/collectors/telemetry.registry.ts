import { Injectable } from '@nestjs/common';
import { TelemetryMessages } from '../telemetry.messages';
import type { TelemetryCollector } from './interfaces/telemetry-collector.interface';

/**
 * Every discovered collector, in discovery order. Inject it to list collectors (the CLI `list`
 * command does) or to look one up by key.
 */
@Injectable()
export class TelemetryRegistry {
  private readonly collectors = new Map<string, TelemetryCollector>();

  /** Adds a collector; a key already taken is a configuration error naming both methods. */
  register(collector: TelemetryCollector): void {
    const existing = this.collectors.get(collector.key);
    if (existing) {
      throw new Error(
        TelemetryMessages.duplicateKey(
          collector.key,
          `${existing.className}.${existing.methodName}`,
          `${collector.className}.${collector.methodName}`,
        ),
      );
    }
    this.collectors.set(collector.key, collector);
  }

  getCollectors(): TelemetryCollector[] {
    return [...this.collectors.values()];
  }

  getCollector(key: string): TelemetryCollector | undefined {
    return this.collectors.get(key);
  }
}
