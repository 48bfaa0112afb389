import type { ReferrerCategory } from '../storage/entities';

/**
 * Substrings that mark a user agent as automated (contract 3.6, matched on the lower-cased UA).
 * `isbot` extends this list; these stay so the contract's examples hold whatever `isbot` decides.
 */
export const BOT_UA_TOKENS: readonly string[] = [
  'bot',
  'crawler',
  'spider',
  'slurp',
  'curl',
  'wget',
  'python-requests',
  'python-urllib',
  'go-http-client',
  'scrapy',
  'facebookexternalhit',
  'twitterbot',
  'linkedinbot',
  'applebot',
  'googlebot',
  'bingbot',
  'yandexbot',
  'baiduspider',
  'semrushbot',
  'ahrefsbot',
  'mj12bot',
  'dotbot',
  'uptimerobot',
  'pingdom',
  'gtmetrix',
  'headlesschrome',
  'phantomjs',
  'axios',
];

/** Host substrings per category, checked in this order; the first hit wins (contract 3.4). */
export const REFERRER_RULES: readonly (readonly [ReferrerCategory, readonly string[]])[] = [
  ['organic_search', ['google', 'bing', 'yahoo', 'duckduckgo', 'baidu', 'yandex', 'ecosia']],
  [
    'social',
    [
      'facebook',
      'instagram',
      'twitter',
      'x.com',
      'linkedin',
      'tiktok',
      'youtube',
      'pinterest',
      'reddit',
      'snapchat',
      'whatsapp',
      'telegram',
      'discord',
    ],
  ],
  ['email', ['mail', 'outlook', 'gmail', 'protonmail', 'zoho']],
];

/** The five UTM parameters read from a pageview's URL (contract 3.5). */
export const UTM_KEYS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
] as const;

/** How many parsed user agents are kept; real traffic repeats a few hundred distinct strings. */
export const USER_AGENT_CACHE_SIZE = 5_000;

/** How many referrers keep their category (they repeat: search engines, social sites, links). */
export const REFERRER_MEMO_SIZE = 5_000;

/** How many looked-up addresses keep their location (per GeoIP file loaded). */
export const GEOIP_CACHE_SIZE = 10_000;

/** How often the GeoIP file is polled for a replacement (ms); a database update is rare. */
export const GEOIP_WATCH_INTERVAL_MS = 5_000;
