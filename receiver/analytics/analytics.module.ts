import { Module } from '@nestjs/common';
import { AnalyticsCacheModule } from '../cache/analytics-cache.module';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { RECEIVER_REDIS } from '../common/redis/redis.constants';
import { LinksCoreModule } from '../links/links-core.module';
import type { Redis } from 'ioredis';
import { AnalyticsCacheBridge } from './analytics-cache.bridge';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExportInterceptor } from './csv/csv-export.interceptor';
import { TrafficAnalyticsController } from './traffic-analytics.controller';
import { ErrorAnalyticsController } from './error-analytics.controller';
import { LinkAnalyticsController } from './link-analytics.controller';
import { AuditQueries } from './queries/audit.queries';
import { BreakdownQueries } from './queries/breakdown.queries';
import { ErrorQueries } from './queries/error.queries';
import { LinkQueries } from './queries/link.queries';
import { TrafficQueries } from './queries/traffic.queries';
import { AnalyticsRangeService } from './range/analytics-range.service';
import { AnalyticsSql } from './sql/analytics-sql.service';

/**
 * The 14 analytics endpoints (contract 2.5) and the analytics cache. The cache module is global,
 * so the tracking pipeline and the links API can invalidate through `AnalyticsCache`.
 */
@Module({
  imports: [
    LinksCoreModule,
    AnalyticsCacheModule.forRootAsync({
      isGlobal: true,
      // The receiver's shared Redis client when `redis` is configured, else the in-memory LRU.
      inject: [RECEIVER_OPTIONS, RECEIVER_REDIS],
      useFactory: (options: ResolvedReceiverOptions, redis: Redis | null) => ({
        redis: redis ?? undefined,
        keyPrefix: options.redisPrefix,
      }),
    }),
  ],
  controllers: [TrafficAnalyticsController, ErrorAnalyticsController, LinkAnalyticsController],
  providers: [
    AnalyticsSql,
    AnalyticsRangeService,
    AnalyticsResponder,
    AnalyticsCacheBridge,
    CsvExportInterceptor,
    TrafficQueries,
    BreakdownQueries,
    ErrorQueries,
    AuditQueries,
    LinkQueries,
  ],
  exports: [AnalyticsSql],
})
export class AnalyticsModule {}
