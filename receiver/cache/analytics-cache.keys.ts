import { createHash } from 'node:crypto';
import { ANALYTICS_KEY_ROOT } from './analytics-cache.constants';

/** The label part of a range as the keys carry it: full `YYYY-MM-DD HH:MM:SS` strings. */
export interface CacheRange {
  from: string;
  to: string;
}

/** Second key segment of every analytics endpoint (contract 1.12; visitors-returning is `returning`). */
export const ANALYTICS_CACHE_NAMES = [
  'visitors',
  'returning',
  'sessions',
  'pages',
  'devices',
  'locations',
  'referrers',
  'utm',
  'errors',
  'errors-trend',
  'error-detail',
  'audits',
  'links',
  'link-detail',
  'retention',
] as const;
export type AnalyticsCacheName = (typeof ANALYTICS_CACHE_NAMES)[number];

const key = (...segments: Array<string | number>): string =>
  [ANALYTICS_KEY_ROOT, ...segments].join(':');

/**
 * Builders of the cache keys of contract 1.12. Unlike the original, `limit` is part of the
 * pages, errors and audits keys, so one limit's answer is never served for another.
 */
export const AnalyticsCacheKeys = {
  /** visitors, returning, sessions, devices, locations, referrers, utm, links */
  plain: (name: AnalyticsCacheName, projectId: number, range: CacheRange) =>
    key(name, projectId, range.from, range.to),
  pages: (projectId: number, range: CacheRange, limit: number) =>
    key('pages', projectId, range.from, range.to, limit),
  /** Invalid filters are passed as `''` (an empty segment), as in the original. */
  errors: (
    projectId: number,
    range: CacheRange,
    filters: { status: string; severity: string; environment: string },
    limit: number,
  ) =>
    key(
      'errors',
      projectId,
      range.from,
      range.to,
      filters.status,
      filters.severity,
      filters.environment,
      limit,
    ),
  errorsTrend: (projectId: number, range: CacheRange, groupId: number | null) =>
    key('errors-trend', projectId, range.from, range.to, groupId ? groupId : 'all'),
  errorDetail: (projectId: number, groupId: number, range: CacheRange) =>
    key('error-detail', projectId, groupId, range.from, range.to),
  audits: (projectId: number, range: CacheRange, action: string, actor: string, limit: number) =>
    key(
      'audits',
      projectId,
      range.from,
      range.to,
      createHash('md5').update(`${action}|${actor}`).digest('hex'),
      limit,
    ),
  linkDetail: (projectId: number, code: string, range: CacheRange) =>
    key('link-detail', projectId, code, range.from, range.to),
  retention: (projectId: number, range: CacheRange, period: string, periods: number) =>
    key('retention', projectId, range.from, range.to, period, periods),
};

/**
 * Glob patterns of the invalidation triggers. Each names the endpoint segment, so unlike the
 * original's `analytics:*:{pid}:*` a project purge never touches another project's keys.
 */
export const AnalyticsCachePatterns = {
  project: (projectId: number) => ANALYTICS_CACHE_NAMES.map((name) => `${key(name, projectId)}:*`),
  errorLists: (projectId: number) => [
    `${key('errors', projectId)}:*`,
    `${key('errors-trend', projectId)}:*`,
  ],
  errorDetail: (projectId: number, groupId: number) =>
    `${key('error-detail', projectId, groupId)}:*`,
  linkDetail: (projectId: number, code: string) => `${key('link-detail', projectId, code)}:*`,
};
