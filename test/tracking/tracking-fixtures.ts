import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { RECEIVER_DATA_SOURCE } from '../../receiver/storage/storage.constants';
import type { DeviceInfo } from '../../receiver/enrichment/interfaces/enrichment.interfaces';
import { ProjectEntity } from '../../receiver/storage/entities';
import type { PageviewJob } from '../../receiver/tracking/interfaces/tracking-jobs.interface';

export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** The enrichment of a desktop Firefox, for ingest jobs built by hand (as a queue delivers them). */
export const FIREFOX_DESKTOP: DeviceInfo = {
  deviceType: 'desktop',
  os: 'Linux',
  browser: 'Firefox',
  browserVersion: '128',
};

/** No place: what the enrichment gives without GeoIP. */
export const NO_PLACE = { country: '', countryCode: '', region: '', city: '' };

/** Headers of an ordinary browser on an allowed site (the bot filter lets it through). */
export const browserHeaders = (key: string, extra: Record<string, string> = {}) => ({
  'X-API-Key': key,
  'User-Agent': CHROME_UA,
  Accept: '*/*',
  'Accept-Language': 'en-GB,en;q=0.9',
  Origin: 'https://shop.example.com',
  ...extra,
});

/** The same plus the non-production test hook, which skips rate limits and the bot filter. */
export const testHeaders = (key: string, extra: Record<string, string> = {}) =>
  browserHeaders(key, { 'X-Test-Mode': 'phpunit', ...extra });

export interface TestProject {
  id: number;
  secretKey: string;
  publicKey: string;
}

export const dataSourceOf = (app: INestApplication): DataSource => app.get(RECEIVER_DATA_SOURCE);

/** Inserts an active project allowed on `example.com` (and its subdomains). */
export async function createProject(
  app: INestApplication,
  allowedDomains = 'example.com',
): Promise<TestProject> {
  const now = new Date();
  const project = await dataSourceOf(app)
    .getRepository(ProjectEntity)
    .save({
      name: `project-${randomBytes(3).toString('hex')}`,
      secret_key: randomBytes(32).toString('hex'),
      public_key: randomBytes(16).toString('hex'),
      allowed_domains: allowedDomains,
      is_active: true,
      signing_secret: null,
      token_policy: 'auto',
      created_at: now,
      updated_at: now,
    });
  return { id: project.id, secretKey: project.secret_key, publicKey: project.public_key };
}

/** A pageview body as the snippet sends it. */
export const pageviewBody = (overrides: Record<string, unknown> = {}) => ({
  url: 'https://shop.example.com/products?utm_source=newsletter&utm_medium=email',
  page_title: 'Products',
  referrer: 'https://www.google.com/',
  visitor_id: `v-${randomBytes(6).toString('hex')}`,
  session_token: `s-${randomBytes(6).toString('hex')}`,
  fingerprint: 'Mozilla/5.0|en-GB|1920x1080|24|0|true|true|abc',
  screen_resolution: '1920x1080',
  timezone: 'Europe/London',
  utm_source: 'ignored-by-server',
  utm_medium: '',
  utm_campaign: '',
  utm_content: '',
  utm_term: '',
  ...overrides,
});

/** No campaign: the UTM fields of an address without UTM parameters. */
export const NO_CAMPAIGN: PageviewJob['utm'] = {
  utm_source: '',
  utm_medium: '',
  utm_campaign: '',
  utm_content: '',
  utm_term: '',
};

/**
 * A pageview job as the queue delivers it, built by hand: a direct visit to the shop's home page
 * received now, by the project's one visitor in its one session, from a desktop Firefox with no
 * place and no campaign; `fields` gives what the test is about.
 */
export const pageviewJob = (
  projectId: number,
  fields: Partial<Omit<PageviewJob, 'projectId'>> = {},
): PageviewJob => ({
  projectId,
  receivedAt: Date.now(),
  url: 'https://shop.example.com/',
  pageTitle: 'Home',
  referrer: '',
  referrerCategory: 'direct',
  visitorHash: 'a'.repeat(64),
  fingerprintHash: '',
  sessionToken: `s-${projectId}`,
  screenResolution: '',
  timezone: '',
  utm: { ...NO_CAMPAIGN },
  device: { ...FIREFOX_DESKTOP },
  geo: { ...NO_PLACE },
  ...fields,
});
