import { Module } from '@nestjs/common';
import { AnalyticsCacheBridge } from './analytics-cache.bridge';
import { AnalyticsResponder } from './analytics-responder';
import { CsvExporter } from './csv/csv-exporter';
import { TrafficAnalyticsController } from './traffic-analytics.controller';
import { ErrorAnalyticsController } from './error-analytics.controller';
import { LinkAnalyticsController } from './link-analytics.controller';
import { RetentionAnalyticsController } from './retention-analytics.controller';
import { AuditQueries } from './queries/audit.queries';
import { BreakdownQueries } from './queries/breakdown.queries';
import { ErrorQueries } from './queries/error.queries';
import { LinkQueries } from './queries/link.queries';
import { RetentionQueries } from './queries/retention.queries';
import { TrafficQueries } from './queries/traffic.queries';
import { AnalyticsRangeService } from './range/analytics-range.service';
import { AnalyticsSql } from './sql/analytics-sql.service';
import { RollupQueries } from './queries/rollup.queries';
import { TrafficReads } from './traffic-reads.service';
import { ErrorRollupQueries } from './queries/error-rollup.queries';
import { LinkRollupQueries } from './queries/link-rollup.queries';
import { ErrorReads } from './error-reads.service';
import { LinkReads } from './link-reads.service';
import { AuditRollupQueries } from './queries/audit-rollup.queries';
import { AuditReads } from './audit-reads.service';

/**
 * The 14 analytics endpoints (contract 2.5) and retention cohorts. Wired to the links domain and the analytics cache
 * (which tracking and links share, to invalidate) in `receiver.features.ts`.
 */
@Module({
  controllers: [
    TrafficAnalyticsController,
    ErrorAnalyticsController,
    LinkAnalyticsController,
    RetentionAnalyticsController,
  ],
  providers: [
    AnalyticsSql,
    AnalyticsRangeService,
    AnalyticsResponder,
    AnalyticsCacheBridge,
    CsvExporter,
    TrafficQueries,
    BreakdownQueries,
    ErrorQueries,
    AuditQueries,
    LinkQueries,
    RollupQueries,
    TrafficReads,
    RetentionQueries,
    ErrorRollupQueries,
    ErrorReads,
    LinkRollupQueries,
    LinkReads,
    AuditRollupQueries,
    AuditReads,
  ],
  // The Grafana datasource answers from the same reads.
  exports: [TrafficReads, ErrorReads, LinkReads],
})
export class AnalyticsModule {}
