import { Inject, Injectable } from '@nestjs/common';
import { hashIp } from '../common/request/client-ip';
import type { ClientContext } from '../common/request/client-context';
import type { ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { isBotRequest } from './bot.detector';
import { GeoIpService } from './geoip.service';
import { DeviceInfo, GeoLocation } from './interfaces/enrichment.interfaces';
import { UserAgentParser } from './user-agent.parser';

/** What the client tells about an event's origin. */
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
  facts(client: ClientContext): RequestFacts {
    return {
      device: this.userAgents.parse(client.userAgent),
      geo: this.geoip.lookup(client.ip),
    };
  }

  /** Salted hash of the client address (audits, link clicks); the address itself is not kept. */
  ipHash(client: ClientContext): string {
    return hashIp(client.ip, this.options.ipHashSalt);
  }

  /** The contract's bot rules (3.6) applied to the client's headers. */
  isBot(client: ClientContext): boolean {
    return isBotRequest(client);
  }
}
