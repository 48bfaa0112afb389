import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TelemetryCollectorOptions } from '../collectors/decorators/telemetry.decorator';
import { TelemetryRegistry } from '../collectors/telemetry.registry';
import type { ResolvedTelemetryOptions } from '../options/resolved-telemetry-options.interface';
import { TELEMETRY_VALUE_TYPES, type TelemetryValueMeta } from '../protocol';
import { TelemetryResponseDispatcher } from '../responses/telemetry-response.dispatcher';
import { TELEMETRY_OPTIONS } from '../telemetry.constants';
import { TelemetryMessages } from '../telemetry.messages';
import { TelemetryMetadataAccessor } from './telemetry-metadata.accessor';
import { AuditService, isValidAction } from '../errors/audit/audit.service';
import { AUDIT_RECORDER } from '../errors/audit/audit-recorder';
import { ErrorsMessages } from '../errors/errors.messages';

type Method = (...args: unknown[]) => unknown;

/** One decorated method found by the walk. */
interface Found {
  instance: object;
  methodName: string;
  method: Method;
}

/**
 * Walks every singleton provider and controller once when the module starts and hands what it
 * finds to its owner: `@Telemetry()` methods to the {@link TelemetryRegistry} (validated: a bad
 * interval, timeout or key throws, so the application refuses to start instead of silently never
 * reporting a value), `@TelemetryResponseHandler()` methods to the
 * {@link TelemetryResponseDispatcher}, and instances with `@Audited()` methods to the
 * {@link AuditService} they record through. Request-scoped holders are skipped with a warning.
 */
@Injectable()
export class TelemetryExplorer implements OnModuleInit {
  private readonly logger = new Logger('Telemetry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: TelemetryMetadataAccessor,
    private readonly registry: TelemetryRegistry,
    private readonly dispatcher: TelemetryResponseDispatcher,
    private readonly audit: AuditService,
    @Inject(TELEMETRY_OPTIONS) private readonly options: ResolvedTelemetryOptions,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const collectors: Found[] = [];
      const handlers: Found[] = [];
      const audited: Found[] = [];
      for (const methodName of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = (instance as Record<string, Method>)[methodName];
        if (this.accessor.getCollectorOptions(method)) {
          collectors.push({ instance, methodName, method });
        }
        if (this.accessor.getHandlerOptions(method))
          handlers.push({ instance, methodName, method });
        if (this.accessor.getAuditedDefinition(method))
          audited.push({ instance, methodName, method });
      }
      if (collectors.length === 0 && handlers.length === 0 && audited.length === 0) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        const name = instance.constructor.name;
        if (collectors.length > 0) {
          this.logger.warn(TelemetryMessages.requestScoped(name, 'Telemetry'));
        }
        if (handlers.length > 0) {
          this.logger.warn(TelemetryMessages.requestScoped(name, 'TelemetryResponseHandler'));
        }
        if (audited.length > 0) this.logger.warn(TelemetryMessages.requestScoped(name, 'Audited'));
        continue;
      }
      collectors.forEach((found) => this.registerCollector(found));
      handlers.forEach((found) => this.registerHandler(found));
      if (audited.length > 0) this.bindAudited(instance, audited);
    }
  }

  /** Checks the actions and lets the instance's `@Audited()` methods record through this app's service. */
  private bindAudited(instance: object, audited: Found[]): void {
    for (const { methodName, method } of audited) {
      const where = `${instance.constructor.name}.${methodName}`;
      if (!isValidAction(this.accessor.getAuditedDefinition(method)?.action)) {
        throw new Error(ErrorsMessages.auditActionMissing(where));
      }
    }
    if (!this.options.errors) {
      const where = `${instance.constructor.name}.${audited[0].methodName}`;
      this.logger.warn(ErrorsMessages.auditedNotConfigured(where));
      return;
    }
    Object.defineProperty(instance, AUDIT_RECORDER, { value: this.audit, configurable: true });
  }

  private registerCollector({ instance, methodName, method }: Found): void {
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

  private registerHandler({ instance, methodName, method }: Found): void {
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
