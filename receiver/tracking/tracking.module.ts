import { Module } from '@nestjs/common';
import { CookielessIdentity } from './cookieless/cookieless-identity.service';
import { VisitorSaltStore } from './cookieless/visitor-salt.store';
import { ErrorStatusService } from './error-status.service';
import { CookielessSessions } from './ingest/cookieless-sessions';
import { AuditIngestHandler } from './ingest/audit-ingest.handler';
import { DimensionResolver } from './ingest/dimension.resolver';
import { ErrorIngestHandler } from './ingest/error-ingest.handler';
import { PageviewIngestHandler } from './ingest/pageview-ingest.handler';
import { TrackingIdCache } from './ingest/tracking-id.cache';
import { VisitorSessionWriter } from './ingest/visitor-session.writer';
import { AuditDataOwner } from './privacy/audit-data.owner';
import { ErrorDataOwner } from './privacy/error-data.owner';
import { VisitorDataOwner } from './privacy/visitor-data.owner';
import { TrackingController } from './tracking.controller';
import { TrackingRepository } from './tracking.repository';
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
    VisitorSaltStore,
    CookielessIdentity,
    CookielessSessions,
    TrackingIdCache,
    DimensionResolver,
    VisitorSessionWriter,
    PageviewIngestHandler,
    ErrorIngestHandler,
    AuditIngestHandler,
    TrackingRepository,
    VisitorDataOwner,
    ErrorDataOwner,
    AuditDataOwner,
  ],
  exports: [DimensionResolver],
})
export class TrackingModule {}
