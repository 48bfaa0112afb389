import { LRUCache } from 'lru-cache';
import { UAParser } from 'ua-parser-js';
import { truncateBytes } from '../common/input/php-input';
import { USER_AGENT_CACHE_SIZE } from './enrichment.constants';
import type { UserAgentDetail } from '../config/receiver-options.interface';
import type { DetailedDeviceType, DeviceInfo } from './interfaces/enrichment.interfaces';
import { BROWSER_VERSION_MAX, contractDeviceInfo } from './user-agent.rules';

/** Width of the `os` and `browser` columns. */
const NAME_MAX = 50;

/**
 * `ua-parser-js` spellings of a name the contract already has; every other library name (Samsung
 * Internet, Instagram, Ubuntu, Tizen…) is kept as the library writes it.
 */
const SYNONYMS: Record<string, string> = {
  'Mac OS': 'macOS',
  'Chrome OS': 'ChromeOS',
  'Chromium OS': 'ChromeOS',
  'Mobile Safari': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Mobile Firefox': 'Firefox',
};

const LIBRARY_DEVICE_TYPES: ReadonlySet<string> = new Set<DeviceInfo['deviceType']>([
  'mobile',
  'tablet',
  'smarttv',
  'console',
  'wearable',
  'xr',
  'embedded',
]);

const name = (value: string): string => truncateBytes(SYNONYMS[value] ?? value, NAME_MAX);

/**
 * User agent → device type, OS, browser and version. In `contract` mode (the default) by the
 * contract's own rules ({@link contractDeviceInfo}), so dashboards match the original engine's for
 * the same traffic. In `detailed` mode `ua-parser-js` names what it recognises, and the contract's
 * answer fills whatever the library leaves empty — a browser the contract can name is never
 * `Unknown`. Results are cached by UA string, since traffic repeats a few UAs.
 */
export class UserAgentParser {
  private readonly cache = new LRUCache<string, DeviceInfo>({ max: USER_AGENT_CACHE_SIZE });

  constructor(private readonly detail: UserAgentDetail = 'contract') {}

  parse(userAgent: string): DeviceInfo {
    const cached = this.cache.get(userAgent);
    if (cached) return cached;
    const contract = contractDeviceInfo(userAgent);
    const info = this.detail === 'detailed' ? detailed(userAgent, contract) : contract;
    this.cache.set(userAgent, info);
    return info;
  }
}

function detailed(userAgent: string, contract: DeviceInfo): DeviceInfo {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const type = device.type ?? '';
  const browserName = browser.name ? name(browser.name) : undefined;
  return {
    deviceType: LIBRARY_DEVICE_TYPES.has(type)
      ? (type as DetailedDeviceType | 'mobile' | 'tablet')
      : contract.deviceType,
    os: os.name ? name(os.name) : contract.os,
    browser: browserName ?? contract.browser,
    browserVersion:
      browserName === undefined
        ? contract.browserVersion
        : (browser.version ?? '').slice(0, BROWSER_VERSION_MAX),
  };
}
