import { Injectable } from '@nestjs/common';
import type {
  RateLimitOutcome,
  RateLimitStorage,
} from '../../../config/receiver-extensions.interface';

interface Counter {
  count: number;
  expiresAt: number;
}

/** Sweep expired entries once the maps hold this many keys, so memory stays bounded. */
const SWEEP_THRESHOLD = 10_000;

/** In-process storage: the default, right for a single receiver instance. */
@Injectable()
export class MemoryRateLimitStorage implements RateLimitStorage {
  private readonly counters = new Map<string, Counter>();
  private readonly blocks = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(
    key: string,
    limit: number,
    windowSeconds: number,
    blockSeconds: number,
  ): Promise<RateLimitOutcome> {
    const now = this.now();
    if (this.counters.size + this.blocks.size > SWEEP_THRESHOLD) this.sweep(now);
    const blockedUntil = this.blocks.get(key);
    if (blockedUntil !== undefined && blockedUntil > now) return 'blocked';
    let counter = this.counters.get(key);
    if (!counter || counter.expiresAt <= now) {
      counter = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.counters.set(key, counter);
    }
    counter.count += 1;
    if (counter.count > limit) {
      this.blocks.set(key, now + blockSeconds * 1000);
      this.counters.delete(key);
      return 'blocked-now';
    }
    return 'allowed';
  }

  private sweep(now: number): void {
    for (const [key, counter] of this.counters)
      if (counter.expiresAt <= now) this.counters.delete(key);
    for (const [key, until] of this.blocks) if (until <= now) this.blocks.delete(key);
  }
}
