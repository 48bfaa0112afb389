import { Module } from '@nestjs/common';
import { LinksRepository } from './links.repository';
import { RedirectResponder } from './redirect.responder';
import { RedirectService } from './redirect.service';

/**
 * The links domain without routes: its repository and the redirect logic, shared by the links
 * API, `/api/redirect.php`, the root `/r/:code` and the link analytics (a module with
 * controllers here would also mount them at the root). Wired to enrichment and ingest in
 * `receiver.features.ts`.
 */
@Module({
  providers: [LinksRepository, RedirectService, RedirectResponder],
  exports: [LinksRepository, RedirectService, RedirectResponder],
})
export class LinksCoreModule {}
