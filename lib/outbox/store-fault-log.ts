import type { Logger } from '@nestjs/common';
import { OutageLog } from '../outage/outage.log';
import { TelemetryMessages } from '../telemetry.messages';

/**
 * What one outbox logs about its store (a full disk, a Redis that is down): one error line when
 * the store starts failing and one when a write works again, with how many values could not be
 * kept meanwhile — never one line per collection, captured error or send attempt.
 */
export const storeFaultLog = (logger: Logger, now?: () => number): OutageLog =>
  new OutageLog(
    logger,
    (reason, during = 'a write') => TelemetryMessages.storeFailed(during, reason),
    TelemetryMessages.storeRecovered,
    'error',
    now,
  );
