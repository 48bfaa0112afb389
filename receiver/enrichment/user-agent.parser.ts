import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';
import { USER_AGENT_CACHE_SIZE } from './enrichment.constants';
import { DeviceInfo } from './interfaces/enrichment.interfaces';

/** ua-parser-js OS names mapped to the contract's vocabulary (contract 3.9). */
const OS_NAMES: Record<string, string> = {
  Windows: 'Windows',
  'Mac OS': 'macOS',
  macOS: 'macOS',
  iOS: 'iOS',
  iPadOS: 'iOS',
  Android: 'Android',
  Chromium: 'ChromeOS',
  'Chromium OS': 'ChromeOS',
  'Chrome OS': 'ChromeOS',
  Linux: 'Linux',
  Ubuntu: 'Linux',
  Debian: 'Linux',
  Fedora: 'Linux',
  Arch: 'Linux',
};

/** ua-parser-js browser names mapped to the contract's vocabulary (contract 3.9). */
const BROWSER_NAMES: Record<string, string> = {
  Edge: 'Edge',
  Opera: 'Opera',
  'Opera GX': 'Opera',
  Chrome: 'Chrome',
  'Chrome Headless': 'Chrome',
  'Chrome WebView': 'Chrome',
  'Mobile Chrome': 'Chrome',
  Chromium: 'Chrome',
  Firefox: 'Firefox',
  'Mobile Firefox': 'Firefox',
  Safari: 'Safari',
  'Mobile Safari': 'Safari',
  IE: 'IE',
  IEMobile: 'IE',
};

const TABLET = /tablet|ipad|playbook|silk/i;
const MOBILE = /mobile|android|iphone|ipod|blackberry|opera mini|iemobile/i;

/**
 * User agent → device type, OS, browser and version. Uses `ua-parser-js` and reports in the
 * original's vocabulary, but without its quirks: iPhones are `iOS` (not macOS) and Chrome on iOS is
 * `Chrome` (not Safari). Results are cached by UA string, since traffic repeats a few UAs.
 */
@Injectable()
export class UserAgentParser {
  private readonly cache = new LRUCache<string, DeviceInfo>({ max: USER_AGENT_CACHE_SIZE });

  parse(userAgent: string): DeviceInfo {
    const cached = this.cache.get(userAgent);
    if (cached) return cached;
    const info = this.parseUncached(userAgent);
    this.cache.set(userAgent, info);
    return info;
  }

  private parseUncached(userAgent: string): DeviceInfo {
    const result = new UAParser(userAgent).getResult();
    const type = result.device.type;
    const deviceType =
      type === 'tablet' || (type === undefined && TABLET.test(userAgent))
        ? 'tablet'
        : type === 'mobile' || (type === undefined && MOBILE.test(userAgent))
          ? 'mobile'
          : 'desktop';
    const browser = BROWSER_NAMES[result.browser.name ?? ''] ?? 'Unknown';
    return {
      deviceType,
      os: OS_NAMES[result.os.name ?? ''] ?? (userAgent.includes('Linux') ? 'Linux' : 'Unknown'),
      browser,
      browserVersion: browser === 'Unknown' ? '' : (result.browser.version ?? '').slice(0, 20),
    };
  }
}
