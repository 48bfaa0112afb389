import { createHmac } from 'node:crypto';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ClientContext } from '../../common/request/client-context';
import { ReceiverClock } from '../../common/time/receiver-time';
import { SALT_GRACE_MS, SALT_SWEEP_INTERVAL_MS } from '../tracking.constants';
import { TrackingMessages } from '../tracking.messages';
import { VisitorSaltStore } from './visitor-salt.store';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of an instant, in UTC. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Visitor ids of cookieless mode: HMAC-SHA256 keyed by the day's salt over (project, IP, user
 * agent). Nothing is stored on the device; the same browser gets the same id all day and another
 * one the next day. Once a day's salt is deleted (after {@link SALT_GRACE_MS} into the next day)
 * nobody — not even the operator — can compute that day's ids again, so days cannot be linked.
 */
@Injectable()
export class CookielessIdentity implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Cookieless');
  private today?: { day: string; salt: Promise<string> };
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly salts: VisitorSaltStore,
    private readonly clock: ReceiverClock,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), SALT_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  /** The 64-hex-character visitor hash of `client` on `projectId` at `at` (epoch ms). */
  async visitorHash(projectId: number, client: ClientContext, at: number): Promise<string> {
    const salt = await this.saltFor(at);
    return createHmac('sha256', salt)
      .update(`${projectId}\n${client.ip}\n${client.userAgent}`)
      .digest('hex');
  }

  /**
   * Deletes every salt whose day is over and whose grace period has passed; returns how many.
   * Runs on a timer in every process and whenever a process starts a new day.
   */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const keepFrom = now % DAY_MS >= SALT_GRACE_MS ? utcDay(now) : utcDay(now - DAY_MS);
    if (this.today && this.today.day < keepFrom) this.today = undefined;
    try {
      const deleted = await this.salts.deleteBefore(keepFrom);
      if (deleted > 0) this.logger.log(TrackingMessages.saltsDeleted(deleted, keepFrom));
      return deleted;
    } catch (error) {
      this.logger.warn(TrackingMessages.saltSweepFailed(String(error)));
      return 0;
    }
  }

  private saltFor(at: number): Promise<string> {
    const day = utcDay(at);
    if (this.today?.day === day) return this.today.salt;
    const salt = this.salts.saltOf(day, new Date(at));
    // A failed read must not stay cached: the next pageview tries again.
    salt.catch(() => {
      if (this.today?.salt === salt) this.today = undefined;
    });
    if (!this.today || this.today.day < day) {
      this.today = { day, salt };
      void salt.then(
        () => this.sweep(),
        () => undefined,
      );
    }
    return salt;
  }
}
