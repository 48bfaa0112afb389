/** The device types of contract 3.9. */
export type ContractDeviceType = 'desktop' | 'mobile' | 'tablet';

/** Further device types `ua-parser-js` recognises, kept by `userAgentDetail: 'detailed'`. */
export type DetailedDeviceType = 'smarttv' | 'console' | 'wearable' | 'xr' | 'embedded';

/** Device facts derived from a user agent (contract 3.9). */
export interface DeviceInfo {
  /** `desktop`, `mobile` or `tablet`; in `detailed` mode also a {@link DetailedDeviceType}. */
  deviceType: ContractDeviceType | DetailedDeviceType;
  /** `Windows`, `macOS`, `iOS`, `Android`, `ChromeOS`, `Linux` or `Unknown` (contract mode). */
  os: string;
  /** `Edge`, `Opera`, `Chrome`, `Firefox`, `Safari`, `IE` or `Unknown` (contract mode). */
  browser: string;
  /** Dotted version, at most 20 characters; `""` when unknown. */
  browserVersion: string;
}

/** Location facts of an IP address; every field is `""` when unknown (contract 3.9). */
export interface GeoLocation {
  country: string;
  countryCode: string;
  region: string;
  city: string;
}

/** The five UTM values of a pageview URL, `""` when absent (contract 3.5). */
export interface UtmValues {
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_content: string;
  utm_term: string;
}

/** Request headers the bot filter reads (contract 3.6). */
export interface BotCheckHeaders {
  userAgent?: string;
  accept?: string;
  acceptLanguage?: string;
}
