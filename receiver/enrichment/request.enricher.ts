import { Inject, Injectable } from '@nestjs/common';
import { hashIp } from '../common/request/client-ip';
import type { ClientContext } from '../common/request/client-context';
import type { GeoIpPrecision, ResolvedReceiverOptions } from '../config/receiver-options.interface';
import { RECEIVER_OPTIONS } from '../config/receiver-options.constants';
import { isBotRequest } from './bot.detector';
import { GeoIpService } from './geoip.service';
import { DeviceInfo, GeoLocation } from './interfaces/enrichment.interfaces';
import { keepUtmParameters } from './query-string.minimiser';
import { UserAgentParser } from './user-agent.parser';

/** A location without the parts finer than `precision` (blank, as an unknown part is). */
export function limitPrecision(geo: GeoLocation, precision: GeoIpPrecision): GeoLocation {
  switch (precision) {
    case 'city':
      return geo;
    case 'region':
      return { ...geo, city: '' };
    case 'country':
      return { ...geo, region: '', city: '' };
    case 'none':
      return { country: '', countryCode: '', region: '', city: '' };
  }
}

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

  /**
   * Device and location of the client (pageviews, errors, link clicks), the location cut to
   * `geoipPrecision`.
   */
  facts(client: ClientContext): RequestFacts {
    return {
      device: this.userAgents.parse(client.userAgent),
      geo: limitPrecision(this.geoip.lookup(client.ip), this.options.geoipPrecision),
    };
  }

  /**
   * Salted hash of the client address (audits, link clicks); the address itself is not kept,
   * and with `storeIpHash: false` neither is the hash (`''`).
   */
  ipHash(client: ClientContext): string {
    return this.options.storeIpHash ? hashIp(client.ip, this.options.ipHashSalt) : '';
  }

  /** A URL as it may be stored: with `stripQueryStrings`, only its `utm_*` parameters remain. */
  storedUrl(url: string): string {
    return this.options.stripQueryStrings ? keepUtmParameters(url) : url;
  }

  /** The contract's bot rules (3.6) applied to the client's headers. */
  isBot(client: ClientContext): boolean {
    return isBotRequest(client);
  }
}
