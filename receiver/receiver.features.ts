import type { Type } from '@nestjs/common';
import { AnalyticsModule } from './analytics/analytics.module';
import { HealthModule } from './health/health.module';
import { LinksModule } from './links/links.module';
import { ShortLinkModule } from './links/short-link.module';
import { ProjectsModule } from './projects/projects.module';
import { SnippetModule } from './snippet/snippet.module';
import { TrackingModule } from './tracking/tracking.module';
import { TelemetryReceiverModule } from './telemetry/telemetry-receiver.module';

/**
 * Feature modules mounted under the route prefix (`/api/...`). Adding a capability to the
 * receiver is one line here; its controllers use `@ReceiverController()` and get the whole
 * request pipeline, and its providers can inject everything `ReceiverCoreModule` exports.
 */
export const RECEIVER_API_MODULES: Type[] = [
  ProjectsModule, // projects API (contract 2.1)
  HealthModule, // health document (contract 2.6)
  TrackingModule, // pageviews, errors, audits (contract 2.2)
  AnalyticsModule, // analytics endpoints and cache (contract 2.5, 1.12)
  LinksModule, // links API and redirect (contract 2.3, 2.4)
  TelemetryReceiverModule, // telemetry reports, tokens, flags, hosts
];

/** Feature modules mounted at the root (e.g. the browser snippet at `/snippet/micrologs.js`). */
export const RECEIVER_ROOT_MODULES: Type[] = [
  SnippetModule, // browser snippet (contract 4)
  ShortLinkModule, // short redirect /r/:code
];
