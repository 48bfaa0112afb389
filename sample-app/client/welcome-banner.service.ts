import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { FeatureFlagsService } from '../../lib';

/** The flag the demo sets on the receiver (`PUT /api/flags/welcome_banner`). */
export const WELCOME_BANNER_FLAG = 'welcome_banner';

/**
 * A feature decided by the receiver: the sample shows a welcome banner while `welcome_banner` is
 * on, and logs every change of the flags it receives, so flipping a flag on the receiver shows up
 * in the client's log within one report or poll interval.
 */
@Injectable()
export class WelcomeBannerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SampleFlags');
  private subscription?: Subscription;

  constructor(private readonly flags: FeatureFlagsService) {}

  onModuleInit(): void {
    this.subscription = this.flags.changes$.subscribe(({ changes, source }) => {
      for (const { name, previous, current } of changes) {
        this.logger.log(
          `Flag ${name}: ${JSON.stringify(previous) ?? 'unset'} → ${JSON.stringify(current) ?? 'unset'} (from ${source})`,
        );
      }
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The banner while the flag is on, else `null`. */
  banner(): string | null {
    return this.flags.isEnabled(WELCOME_BANNER_FLAG)
      ? 'Welcome to the nestjs-telemetry demo!'
      : null;
  }
}
