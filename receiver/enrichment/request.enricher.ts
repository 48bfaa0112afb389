import { Inject, Injectable } from '@nestjs/common';
import { clientIp, hashIp, header } from '../common';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { isBotRequest } from './bot.detector';
import { GeoIpService } from './geoip.service';
import { DeviceInfo, GeoLocation } from './interfaces/enrichment.interfaces';
import { UserAgentParser } from './user-agent.parser';

/** What the request itself tells about an event's origin. */
export interface RequestFacts {
  device: DeviceInfo;
  geo: GeoLocation;
}

/**
 * Enrichment on the request path: client IP (through trusted proxies only), its salted hash and
 * GeoIP location, and the parsed user agent. Done here, not in the queue, so no raw IP address
 * ever leaves the request — both lookups are in-memory and cached.
 */
@Injectable()
export class RequestEnricher {
  constructor(
    @Inject(RECEIVER_OPTIONS) private readonly options: ResolvedReceiverOptions,
    private readonly geoip: GeoIpService,
    private readonly userAgents: UserAgentParser,
  ) {}

  /** Device and location of the client (pageviews, errors, link clicks). */
  facts(request: unknown): RequestFacts {
    return {
      device: this.userAgents.parse(header(request, 'user-agent')),
      geo: this.geoip.lookup(clientIp(request, this.options.trustedProxies)),
    };
  }

  /** Salted hash of the client address (audits, link clicks); the address itself is not kept. */
  ipHash(request: unknown): string {
    return hashIp(clientIp(request, this.options.trustedProxies), this.options.ipHashSalt);
  }

  /** The contract's bot rules (3.6) applied to the request's headers. */
  isBot(request: unknown): boolean {
    return isBotRequest({
      userAgent: header(request, 'user-agent'),
      accept: header(request, 'accept'),
      acceptLanguage: header(request, 'accept-language'),
    });
  }
}
