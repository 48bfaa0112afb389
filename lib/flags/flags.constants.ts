import { TELEMETRY_TIMER_PREFIX } from '../telemetry.constants';

/** Key of the last known flags in the telemetry store. */
export const FEATURE_FLAGS_STORE_KEY = 'nestjs-telemetry:feature_flags';

/** Name of the flags poller's timer in the `SchedulerRegistry`. */
export const FLAGS_POLL_TIMER = `${TELEMETRY_TIMER_PREFIX}flags-poll`;

/** Strings `isEnabled()` reads as on / off; any other string falls back to the default. */
export const TRUTHY_FLAG_STRINGS: readonly string[] = ['true', '1', 'on', 'yes', 'enabled'];
export const FALSY_FLAG_STRINGS: readonly string[] = ['false', '0', 'off', 'no', 'disabled', ''];
