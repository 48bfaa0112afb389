import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { IngestModule } from '../ingest/ingest.module';
import { TrackingModule } from '../tracking/tracking.module';
import { ClickIngestHandler } from './click-ingest.handler';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';
import { RedirectController } from './redirect.controller';
import { RedirectModule } from './redirect.module';

/** Links API (contract 2.3), `/api/redirect.php` (2.4) and the writer of link clicks. */
@Module({
  imports: [AnalyticsModule, TrackingModule, IngestModule, RedirectModule],
  controllers: [LinksController, RedirectController],
  providers: [LinksService, ClickIngestHandler],
  exports: [LinksService],
})
export class LinksModule {}
