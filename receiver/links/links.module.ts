import { Module } from '@nestjs/common';
import { ClickIngestHandler } from './click-ingest.handler';
import { LinkClicksPrivacyOwner } from './link-clicks.privacy-owner';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';
import { RedirectController } from './redirect.controller';

/** Links API (contract 2.3), `/api/redirect.php` (2.4) and the writer of link clicks. */
@Module({
  controllers: [LinksController, RedirectController],
  providers: [LinksService, ClickIngestHandler, LinkClicksPrivacyOwner],
  exports: [LinksService],
})
export class LinksModule {}
