export * from './interfaces/enrichment.interfaces';
export { categoriseReferrer } from './referrer.categorizer';
export { parseUtm } from './utm.parser';
export { isBotRequest } from './bot.detector';
export { sha256Hex } from './sha256';
export { UserAgentParser } from './user-agent.parser';
export { GeoIpService, GeoIpStatus } from './geoip.service';
export { RequestEnricher, RequestFacts } from './request.enricher';
export { EnrichmentModule } from './enrichment.module';
