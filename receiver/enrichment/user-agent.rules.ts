import type { ContractDeviceType, DeviceInfo } from './interfaces/enrichment.interfaces';

/** Longest stored `browser_version` (the column is 20 characters wide). */
export const BROWSER_VERSION_MAX = 20;

const TABLET = /tablet|ipad|playbook|silk/i;
const MOBILE = /mobile|android|iphone|ipod|blackberry|opera mini|iemobile/i;

/**
 * `os` by case-sensitive substrings, first match wins (contract 3.9). The one deviation is the
 * quirk fix the contract allows: `iPhone`/`iPad` are looked for before `Mac OS X`, because every
 * iOS user agent says "like Mac OS X" and the original reported iPhones as macOS.
 */
const OS_RULES: readonly (readonly [readonly string[], string])[] = [
  [['Windows'], 'Windows'],
  [['iPhone', 'iPad'], 'iOS'],
  [['Mac OS X'], 'macOS'],
  [['Android'], 'Android'],
  [['CrOS'], 'ChromeOS'],
  [['Linux'], 'Linux'],
];

/**
 * `browser_version`: the first of these patterns that matches, in this order, whatever the browser
 * rule said (contract 3.9), then `Version/<v>…Safari` ({@link safariVersion}). `CriOS/` is the
 * second allowed quirk fix: Chrome on iOS carries its version there (the original had no pattern
 * for it and reported Safari without a version).
 */
const VERSION_PATTERNS: readonly RegExp[] = [
  /Edg\/([\d.]+)/,
  /OPR\/([\d.]+)/,
  /Chrome\/([\d.]+)/,
  /CriOS\/([\d.]+)/,
  /Firefox\/([\d.]+)/,
];

/**
 * The original's `/Version\/([\d.]+).*Safari/`: the first `Version/<v>` followed, anywhere later,
 * by `Safari`. Written as a scan because the regular expression backtracks over the whole rest of
 * the string for every `Version/` — quadratic on a crafted user agent.
 */
function safariVersion(userAgent: string): string | undefined {
  const match = /Version\/([\d.]+)/.exec(userAgent);
  if (!match) return undefined;
  return userAgent.indexOf('Safari', match.index + match[0].length) >= 0 ? match[1] : undefined;
}

/** `device_type`: tablet words first, then phone words, else desktop (case-insensitive). */
export function contractDeviceType(userAgent: string): ContractDeviceType {
  if (TABLET.test(userAgent)) return 'tablet';
  if (MOBILE.test(userAgent)) return 'mobile';
  return 'desktop';
}

export function contractOs(userAgent: string): string {
  const rule = OS_RULES.find(([needles]) => needles.some((n) => userAgent.includes(n)));
  return rule ? rule[1] : 'Unknown';
}

/**
 * `browser` by substrings, first match wins: `Edg/`, `OPR/`, `Chrome`, `Firefox`, `Safari`,
 * `MSIE`/`Trident`. Every Chromium-based browser that does not announce itself as Edge or Opera
 * (Samsung Internet, in-app browsers, Yandex, Edge on Android…) is Chrome, as in the original.
 * `CriOS` counts as Chrome (the allowed iOS quirk fix); Firefox on iOS (`FxiOS`) stays Safari.
 */
export function contractBrowser(userAgent: string): string {
  if (userAgent.includes('Edg/')) return 'Edge';
  if (userAgent.includes('OPR/')) return 'Opera';
  if (userAgent.includes('Chrome') || userAgent.includes('CriOS')) return 'Chrome';
  if (userAgent.includes('Firefox')) return 'Firefox';
  if (userAgent.includes('Safari')) return 'Safari';
  if (userAgent.includes('MSIE') || userAgent.includes('Trident')) return 'IE';
  return 'Unknown';
}

export function contractBrowserVersion(userAgent: string): string {
  let version: string | undefined;
  for (const pattern of VERSION_PATTERNS) {
    version = pattern.exec(userAgent)?.[1];
    if (version !== undefined) break;
  }
  version ??= safariVersion(userAgent);
  return (version ?? '').slice(0, BROWSER_VERSION_MAX);
}

/**
 * Device facts exactly as Micrologs computes them (contract 3.9), with only the two iOS fixes of
 * its quirk list: the numbers match the original engine's for the same traffic.
 */
export function contractDeviceInfo(userAgent: string): DeviceInfo {
  return {
    deviceType: contractDeviceType(userAgent),
    os: contractOs(userAgent),
    browser: contractBrowser(userAgent),
    browserVersion: contractBrowserVersion(userAgent),
  };
}
