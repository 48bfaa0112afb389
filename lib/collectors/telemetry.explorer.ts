import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_VALUE_TYPES, type TelemetryValueMeta } from '../protocol';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import type { TelemetryCollectorOptions } from './interfaces/telemetry-collector-options.interface';
import { TelemetryMetadataAccessor } from './telemetry-metadata.accessor';
import { TelemetryRegistry } from './telemetry.registry';

/**
 * Finds `@Telemetry()` methods on every singleton provider and controller when the module starts,
 * validates them and fills the {@link TelemetryRegistry}. Invalid declarations throw, so the
 * application refuses to start instead of silently never reporting a value.
 */
@Injectable()
export class TelemetryExplorer implements OnModuleInit {
  private readonly logger = new Logger('Telemetry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: TelemetryMetadataAccessor,
    private readonly registry: TelemetryRegistry,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const seen = new Set<object>();
    for (const wrapper of wrappers) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      const methods = this.scanner
        .getAllMethodNames(prototype)
        .filter((name) => this.accessor.getCollectorOptions(this.methodOf(instance, name)));
      if (methods.length === 0) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(TelemetryMessages.requestScoped(instance.constructor.name, 'Telemetry'));
        continue;
      }
      for (const name of methods) this.register(instance, name);
    }
  }

  private methodOf(instance: object, name: string): (...args: unknown[]) => unknown {
    return (instance as Record<string, (...args: unknown[]) => unknown>)[name];
  }

  private register(instance: object, methodName: string): void {
    const method = this.methodOf(instance, methodName);
    const options = this.accessor.getCollectorOptions(method) as TelemetryCollectorOptions;
    const className = instance.constructor.name;
    const where = `${className}.${methodName}`;
    const interval = options.interval ?? this.options.defaultInterval;
    if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) {
      throw new Error(TelemetryMessages.invalidInterval(where, interval));
    }
    const timeout = options.timeout ?? this.options.collectorTimeout;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0) {
      throw new Error(TelemetryMessages.invalidTimeout(where, timeout));
    }
    const key = options.key ?? `${className}@${methodName}`;
    if (typeof key !== 'string' || key.trim() === '') {
      throw new Error(TelemetryMessages.invalidKey(where, key));
    }
    const meta = declaredMeta(where, options);
    this.registry.register({
      key,
      className,
      methodName,
      interval,
      timeout,
      ...(meta && { meta }),
      invoke: () => method.call(instance),
    });
  }
}

/** The declared type and unit, checked; `undefined` when the collector declared neither. */
function declaredMeta(
  where: string,
  options: TelemetryCollectorOptions,
): TelemetryValueMeta | undefined {
  const { type, unit } = options;
  if (type !== undefined && !TELEMETRY_VALUE_TYPES.includes(type)) {
    throw new Error(TelemetryMessages.invalidValueType(where, type));
  }
  if (unit !== undefined && (typeof unit !== 'string' || unit.trim() === '' || unit.length > 32)) {
    throw new Error(TelemetryMessages.invalidUnit(where, unit));
  }
  if (type === undefined && unit === undefined) return undefined;
  return { ...(type && { type }), ...(unit && { unit }) };
}
