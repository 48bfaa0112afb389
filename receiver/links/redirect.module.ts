import { Module } from '@nestjs/common';
import { AnalyticsSql } from '../analytics/sql/analytics-sql.service';
import { EnrichmentModule } from '../enrichment/enrichment.module';
import { IngestModule } from '../ingest/ingest.module';
import { RedirectResponder } from './redirect.responder';
import { RedirectService } from './redirect.service';

/**
 * The redirect logic without routes, shared by `/api/redirect.php` and the root `/r/:code`
 * (a module with controllers here would also mount them at the root).
 */
@Module({
  imports: [EnrichmentModule, IngestModule],
  providers: [AnalyticsSql, RedirectService, RedirectResponder],
  exports: [RedirectService, RedirectResponder],
})
export class RedirectModule {}
