import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryResponseDispatcher } from './telemetry-response.dispatcher';
import { TelemetryResponseMetadataAccessor } from './telemetry-response-metadata.accessor';

/** Finds `@TelemetryResponseHandler()` methods on singleton providers and controllers at start. */
@Injectable()
export class TelemetryResponseExplorer implements OnModuleInit {
  private readonly logger = new Logger('Telemetry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: TelemetryResponseMetadataAccessor,
    private readonly dispatcher: TelemetryResponseDispatcher,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const record = instance as Record<string, (...args: unknown[]) => unknown>;
      const methods = this.scanner
        .getAllMethodNames(Object.getPrototypeOf(instance) as object)
        .filter((name) => this.accessor.getHandlerOptions(record[name]));
      if (methods.length === 0) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(
          TelemetryMessages.requestScoped(instance.constructor.name, 'TelemetryResponseHandler'),
        );
        continue;
      }
      for (const methodName of methods) {
        const method = record[methodName];
        const className = instance.constructor.name;
        const key = this.accessor.getHandlerOptions(method)?.key ?? `${className}@${methodName}`;
        if (typeof key !== 'string' || key === '') {
          throw new Error(TelemetryMessages.invalidKey(`${className}.${methodName}`, key));
        }
        this.dispatcher.register({
          key,
          className,
          methodName,
          invoke: (value) => method.call(instance, value),
        });
      }
    }
  }
}
