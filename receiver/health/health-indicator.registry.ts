import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { RECEIVER_REDIS } from '../common/redis/redis.providers';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { RECEIVER_DATA_SOURCE } from '../storage/storage.constants';
import { DatabaseHealthIndicator } from './indicators/database.indicator';
import { GeoipFileHealthIndicator } from './indicators/geoip-file.indicator';
import { RedisHealthIndicator } from './indicators/redis.indicator';
import { RuntimeHealthIndicator } from './indicators/runtime.indicator';
import type { ReceiverHealthIndicator } from './interfaces/health-indicator.interface';

/**
 * The checks of the health document, in order. Starts with the four Micrologs keys (`php`,
 * `database`, `valkey`, `geoip`); features add or replace checks in their `onModuleInit`.
 */
@Injectable()
export class HealthIndicatorRegistry {
  private readonly indicators = new Map<string, ReceiverHealthIndicator>();

  /** @internal Nest creates the registry; its dependencies are the receiver's own. */
  constructor(
    @Inject(RECEIVER_DATA_SOURCE) dataSource: DataSource,
    @Inject(RECEIVER_REDIS) redis: Redis | null,
    @Inject(RECEIVER_OPTIONS) options: ResolvedReceiverOptions,
  ) {
    this.register(new RuntimeHealthIndicator());
    this.register(new DatabaseHealthIndicator(dataSource));
    this.register(new RedisHealthIndicator(redis));
    this.register(new GeoipFileHealthIndicator(options.geoipDatabase));
  }

  /** Adds a check, or replaces the one of the same name (keeping its position). */
  register(indicator: ReceiverHealthIndicator): void {
    this.indicators.set(indicator.name, indicator);
  }

  all(): ReceiverHealthIndicator[] {
    return [...this.indicators.values()];
  }
}
