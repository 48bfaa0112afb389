/** Device facts derived from a user agent (contract 3.9). */
export interface DeviceInfo {
  deviceType: 'desktop' | 'mobile' | 'tablet';
  /** `Windows`, `macOS`, `iOS`, `Android`, `ChromeOS`, `Linux` or `Unknown`. */
  os: string;
  /** `Edge`, `Opera`, `Chrome`, `Firefox`, `Safari`, `IE` or `Unknown`. */
  browser: string;
  /** Full dotted version, `""` when unknown. */
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
