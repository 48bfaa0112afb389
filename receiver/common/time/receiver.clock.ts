import { Injectable } from '@nestjs/common';

/**
 * The receiver's notion of "now" where the calendar matters (the daily salts of cookieless mode
 * and the arrival time of pageviews). One injectable, so a test can move time forward by a day
 * without waiting for one.
 */
@Injectable()
export class ReceiverClock {
  /** Epoch milliseconds. */
  now(): number {
    return Date.now();
  }
}
