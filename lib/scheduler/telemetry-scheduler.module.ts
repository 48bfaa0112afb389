import { Module } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { TELEMETRY_SCHEDULER_REGISTRY } from '../telemetry.constants';

/**
 * Decides which `SchedulerRegistry` holds the telemetry timers: the application's own when it
 * imports `ScheduleModule.forRoot()` (a global module), otherwise a private one. Importing
 * `ScheduleModule.forRoot()` here instead would create a second schedule explorer next to the
 * application's, which registers the application's own `@Cron()`/`@Interval()` methods twice.
 *
 * This lives in its own module on purpose: `TelemetryModule` aliases `SchedulerRegistry` to the
 * chosen registry, and resolving the optional global registry from there would find that alias.
 */
@Module({
  providers: [
    {
      provide: TELEMETRY_SCHEDULER_REGISTRY,
      useFactory: (appRegistry?: SchedulerRegistry) => appRegistry ?? new SchedulerRegistry(),
      inject: [{ token: SchedulerRegistry, optional: true }],
    },
  ],
  exports: [TELEMETRY_SCHEDULER_REGISTRY],
})
export class TelemetrySchedulerModule {}
