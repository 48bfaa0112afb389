import { Injectable } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MAX_TIMER_PERIOD_MS } from '../telemetry.constants';

// Node fires timers longer than 2^31-1 ms at once; a longer wait simply wakes up earlier and checks.
const clamp = (ms: number): number => Math.min(Math.max(0, ms), MAX_TIMER_PERIOD_MS);

/**
 * @internal
 * A timeout that does not keep the process alive: telemetry must never delay the host's exit.
 */
export function unrefTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(callback, clamp(ms));
  timer.unref();
  return timer;
}

/**
 * @internal
 * The telemetry timers, by name, in the `SchedulerRegistry` that `TelemetrySchedulerModule` chose
 * (so an application's own registry lists them). Every timer is `unref`'d — a collector, report or
 * flags timer alone never keeps a process running — and clamped to one day.
 */
@Injectable()
export class TelemetryTimers {
  constructor(private readonly registry: SchedulerRegistry) {}

  /** Runs `callback` once after `ms`, replacing any timer of that name; the name is free when it runs. */
  once(name: string, ms: number, callback: () => void): void {
    this.clear(name);
    const timer = unrefTimeout(() => {
      this.registry.deleteTimeout(name);
      callback();
    }, ms);
    this.registry.addTimeout(name, timer);
  }

  /** Runs `callback` every `ms`, replacing any timer of that name. */
  every(name: string, ms: number, callback: () => void): void {
    this.clear(name);
    const timer = setInterval(callback, clamp(ms));
    timer.unref();
    this.registry.addInterval(name, timer);
  }

  /** Stops the timer of that name, whichever kind it is; no timer is fine. */
  clear(name: string): void {
    if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
    if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
  }
}
