import type { DynamicModule, Type } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AlertsModule } from './alerts/alerts.module';
import { GrafanaModule } from './grafana/grafana.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AnalyticsRollupsModule } from './rollups/analytics-rollups.module';
import { AnalyticsCacheModule } from './cache/analytics-cache.module';
import { RECEIVER_REDIS } from './common/redis/redis.providers';
import { RECEIVER_OPTIONS } from './config/receiver-options.constants';
import type { ResolvedReceiverOptions } from './config/receiver-options.interface';
import { CommittedEventsModule } from './events/committed-events.module';
import { EnrichmentModule } from './enrichment/enrichment.module';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { DeadLettersModule } from './ingest/dead-letters/dead-letters.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LinksCoreModule } from './links/links-core.module';
import { LinksModule } from './links/links.module';
import { MetricsModule } from './metrics/metrics.module';
import { ShortLinkModule } from './links/short-link.module';
import { PrivacyCoreModule } from './privacy/privacy-core.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ProjectsModule } from './projects/projects.module';
import { RealtimeModule } from './realtime/realtime.module';
import { realtimeGatewayProvider } from './realtime/realtime.gateway';
import { SnippetModule } from './snippet/snippet.module';
import { TelemetryReceiverModule } from './telemetry/telemetry-receiver.module';
import { TrackingModule } from './tracking/tracking.module';

/**
 * Feature modules mounted under the route prefix (`/api/...`). Adding a capability to the
 * receiver is one line here and one in {@link wireReceiverModules}; its controllers use
 * `@ReceiverController()` and get the whole request pipeline.
 */
export const RECEIVER_API_MODULES: Type[] = [
  ProjectsModule, // projects API (contract 2.1)
  HealthModule, // health document (contract 2.6)
  TrackingModule, // pageviews, errors, audits (contract 2.2)
  AnalyticsModule, // analytics endpoints and cache (contract 2.5, 1.12)
  GrafanaModule, // Grafana JSON datasource
  LinksModule, // links API and redirect (contract 2.3, 2.4)
  TelemetryReceiverModule, // telemetry reports, tokens, flags, hosts
  DeadLettersModule, // Redis queue dead letters (admin)
  PrivacyModule, // access and erasure requests (GDPR Art. 15, 17)
  RealtimeModule, // realtime tokens, the SSE stream and the WebSocket gateway
  AlertsModule, // alert rules, evaluation and webhook deliveries (admin)
];

/** Feature modules mounted at the root (e.g. the browser snippet at `/snippet/micrologs.js`). */
export const RECEIVER_ROOT_MODULES: Type[] = [
  SnippetModule, // browser snippet (contract 4)
  ShortLinkModule, // short redirect /r/:code
  MetricsModule, // Prometheus exposition /metrics
];

/** The receiver's modules as {@link wireReceiverModules} wires them. */
export interface WiredReceiverModules {
  /** Every module to import, features first. */
  all: DynamicModule[];
  /**
   * The modules whose services the host application may inject: `ProjectsService`,
   * `FeatureFlagsService`, `TelemetryHostsService`, `LinksService`, `HealthIndicatorRegistry`.
   */
  public: DynamicModule[];
}

/**
 * Wires every receiver module to `core` (options, data source, Redis, guards, project events,
 * health registry) and to the receiver modules it uses. Nothing in the receiver is global, so
 * none of its internals reach the host application; and because a module can only receive the
 * per-`forRoot` core here, module-to-module imports live in this one place rather than in each
 * `@Module()` (a static import would create a second instance without the core). Each shared
 * module is one object, so Nest creates it once.
 */
export function wireReceiverModules(core: DynamicModule): WiredReceiverModules {
  const wire = (module: Type, ...imports: DynamicModule[]): DynamicModule => ({
    module,
    imports: [core, ...imports],
  });
  const privacyCore = wire(PrivacyCoreModule);
  const cache = AnalyticsCacheModule.forRootAsync({
    imports: [core, privacyCore],
    // The host's store when it plugged one; else the receiver's shared Redis client when `redis`
    // is configured; else the in-memory LRU.
    inject: [RECEIVER_OPTIONS, RECEIVER_REDIS],
    useFactory: (options: ResolvedReceiverOptions, redis: Redis | null) => ({
      store: options.analyticsCacheStore,
      redis: redis ?? undefined,
      keyPrefix: options.redisPrefix,
    }),
  });
  const health = wire(HealthModule);
  const ingest = wire(IngestModule, health);
  // Ingest handlers publish what they committed; realtime and alerts listen.
  const events = wire(CommittedEventsModule);
  const enrichment = wire(EnrichmentModule, health);
  const linksCore = wire(LinksCoreModule, enrichment, ingest);
  const rollups = wire(AnalyticsRollupsModule);
  const tracking = wire(TrackingModule, enrichment, ingest, cache, rollups, privacyCore, events);
  const projects = wire(ProjectsModule);
  const telemetry = wire(TelemetryReceiverModule, ingest, events);
  const analytics = wire(AnalyticsModule, linksCore, cache, rollups);
  const links = wire(LinksModule, tracking, ingest, linksCore, cache, privacyCore, events, rollups);
  // Alerts publish their firings through the realtime fan-out: import `realtime` to inject it;
  // they read hosts and values through the telemetry domain's reader.
  // The WebSocket gateway is a class per receiver: its path and handshake are this one's options.
  const realtime = {
    ...wire(RealtimeModule, events, projects),
    providers: [realtimeGatewayProvider()],
  };
  return {
    all: [
      projects,
      health,
      tracking,
      analytics,
      wire(GrafanaModule, analytics, telemetry),
      links,
      telemetry,
      wire(SnippetModule),
      wire(ShortLinkModule, linksCore),
      wire(MetricsModule, ingest, telemetry),
      wire(LifecycleModule, health, projects, rollups),
      wire(DeadLettersModule, ingest),
      wire(PrivacyModule, privacyCore, projects),
      realtime,
      wire(AlertsModule, projects, events, realtime, telemetry),
    ],
    public: [projects, telemetry, links, health],
  };
}
