import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { TrackingModule } from '../tracking/tracking.module';
import { ClickIngestHandler } from './click-ingest.handler';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';
import { RedirectController } from './redirect.controller';
import { LinksCoreModule } from './links-core.module';

/** Links API (contract 2.3), `/api/redirect.php` (2.4) and the writer of link clicks. */
@Module({
  imports: [TrackingModule, IngestModule, LinksCoreModule],
  controllers: [LinksController, RedirectController],
  providers: [LinksService, ClickIngestHandler],
  exports: [LinksService],
})
export class LinksModule {}
