import { createHash } from 'node:crypto';
import { boundedMemo } from '../common/memo/bounded-memo';

/**
 * One stored pageview as the rollups see it: its ids and the dimension values the analytics
 * endpoints group by (device and location labels as stored in their rows, `null` without one).
 */
export interface PageviewFact {
  projectId: number;
  /** `created_at` as an instant (ms). */
  createdAt: number;
  visitorId: number;
  sessionId: number;
  url: string;
  pageTitle: string;
  referrerUrl: string;
  referrerCategory: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  device: { type: string; os: string; browser: string } | null;
  location: { country: string; countryCode: string; region: string; city: string } | null;
}

/** Whose ids a rollup row collects for exact unique counts. */
export type MemberKind = 'visitor' | 'session' | null;

/** A breakdown the rollups keep per project and day. */
export interface RollupDimension {
  name: string;
  members: MemberKind;
  /** The group's values (up to 4, stored as label_a…label_d), or `null` when the pageview is not counted. */
  labels(fact: PageviewFact): string[] | null;
}

/**
 * Every breakdown of the traffic endpoints (contract 2.5.1–2.5.8), with the same filters as the
 * raw queries: pageviews without a device or location are left out of those breakdowns, empty
 * referrer URLs and campaigns are not listed. Dimensions whose answer has unique visitors keep
 * the visitor ids; `session` keeps the session ids behind "pages per session".
 */
export const ROLLUP_DIMENSIONS = {
  total: { name: 'total', members: 'visitor', labels: () => [] },
  session: { name: 'session', members: 'session', labels: () => [] },
  page: { name: 'page', members: 'visitor', labels: (f) => [f.url, f.pageTitle] },
  referrer: { name: 'referrer', members: 'visitor', labels: (f) => [f.referrerCategory] },
  referrerUrl: {
    name: 'referrer_url',
    members: null,
    labels: (f) => (f.referrerUrl !== '' ? [f.referrerUrl] : null),
  },
  utm: {
    name: 'utm',
    members: 'visitor',
    labels: (f) => (f.utmCampaign !== '' ? [f.utmSource, f.utmMedium, f.utmCampaign] : null),
  },
  device: {
    name: 'device',
    members: 'visitor',
    labels: (f) => (f.device ? [f.device.type] : null),
  },
  osBrowser: {
    name: 'os_browser',
    members: null,
    labels: (f) => (f.device ? [f.device.os, f.device.browser] : null),
  },
  country: {
    name: 'country',
    members: 'visitor',
    labels: (f) => (f.location ? [f.location.country, f.location.countryCode] : null),
  },
  place: {
    name: 'place',
    members: null,
    labels: (f) =>
      f.location
        ? [f.location.country, f.location.countryCode, f.location.region, f.location.city]
        : null,
  },
} satisfies Record<string, RollupDimension>;

export const ALL_DIMENSIONS: RollupDimension[] = Object.values(ROLLUP_DIMENSIONS);

/** The stored label columns, in order. */
export const LABEL_COLUMNS = ['label_a', 'label_b', 'label_c', 'label_d'] as const;

/**
 * Digests of label lists, remembered: every ingest batch of a day groups the same pages,
 * referrers, devices and places again, and hashing them took as long as the rest of the batch's
 * rollup arithmetic. A page URL is at most a few KiB, so the memory stays a few MiB at most.
 */
const VALUE_KEY_MEMO_SIZE = 4_096;
const digestOf = boundedMemo(VALUE_KEY_MEMO_SIZE, (json) =>
  createHash('sha256').update(json).digest('hex'),
);

/** Key of a group within its dimension: a digest of its values (bounded, unlike the values). */
export function valueKey(labels: readonly string[]): string {
  return digestOf(JSON.stringify(labels));
}
