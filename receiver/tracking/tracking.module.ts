import { Module } from '@nestjs/common';
import { ErrorStatusService } from './error-status.service';
import { AuditIngestHandler } from './ingest/audit-ingest.handler';
import { DimensionResolver } from './ingest/dimension.resolver';
import { ErrorIngestHandler } from './ingest/error-ingest.handler';
import { PageviewIngestHandler } from './ingest/pageview-ingest.handler';
import { TrackingIdCache } from './ingest/tracking-id.cache';
import { VisitorSessionWriter } from './ingest/visitor-session.writer';
import { TrackingController } from './tracking.controller';
import { TrackingService } from './tracking.service';

/**
 * Pageviews, errors and audits (Micrologs tracking API): the endpoints, and the ingest handlers
 * that write their jobs. Mounted under the receiver's route prefix; wired to enrichment, ingest
 * and the analytics cache in `receiver.features.ts`.
 */
@Module({
  controllers: [TrackingController],
  providers: [
    TrackingService,
    ErrorStatusService,
    TrackingIdCache,
    DimensionResolver,
    VisitorSessionWriter,
    PageviewIngestHandler,
    ErrorIngestHandler,
    AuditIngestHandler,
  ],
  exports: [DimensionResolver],
})
export class TrackingModule {}
