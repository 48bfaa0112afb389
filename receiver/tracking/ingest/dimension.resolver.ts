import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { DeviceInfo, GeoLocation } from '../../enrichment/interfaces/enrichment.interfaces';
import type { IngestBatchContext } from '../../ingest';
import { DeviceEntity, LocationEntity } from '../../storage/entities';
import { insertIgnore } from '../../storage/bulk-insert';
import { TrackingIdCache } from './tracking-id.cache';

/** One device or location to resolve, per project. */
export interface DimensionRequest<T> {
  projectId: number;
  value: T;
}

/** An event carrying both dimensions (a pageview, an error, a link click). */
export interface DimensionedEvent {
  projectId: number;
  device: DeviceInfo;
  geo: GeoLocation;
}

/** The device and location row ids of a batch of events, index for index. */
export interface EventDimensions {
  deviceIds: number[];
  locationIds: (number | null)[];
}

const deviceKey = (projectId: number, d: DeviceInfo): string =>
  `${projectId}|${d.deviceType}|${d.os}|${d.browser}|${d.browserVersion}`;
const locationKey = (projectId: number, g: GeoLocation): string =>
  `${projectId}|${g.countryCode}|${g.region}|${g.city}`;

/**
 * Turns device and location facts into row ids (contract 3.9: one row per distinct signature per
 * project). Cached ids answer most lookups; unseen signatures are inserted with `INSERT … IGNORE`
 * (safe against another receiver inserting the same row) and read back in one query per kind.
 * Shared by pageviews, errors and link clicks.
 */
@Injectable()
export class DimensionResolver {
  constructor(private readonly cache: TrackingIdCache) {}

  /** Device and location ids for every event of a batch. */
  async forEvents(
    events: DimensionedEvent[],
    context: IngestBatchContext,
  ): Promise<EventDimensions> {
    const [deviceIds, locationIds] = await Promise.all([
      this.devices(
        events.map((e) => ({ projectId: e.projectId, value: e.device })),
        context,
      ),
      this.locations(
        events.map((e) => ({ projectId: e.projectId, value: e.geo })),
        context,
      ),
    ]);
    return { deviceIds, locationIds };
  }

  async devices(
    requests: DimensionRequest<DeviceInfo>[],
    context: IngestBatchContext,
  ): Promise<number[]> {
    const keys = requests.map((r) => deviceKey(r.projectId, r.value));
    const found = new Map<string, number>();
    const missing = new Map<string, DimensionRequest<DeviceInfo>>();
    keys.forEach((key, i) => {
      const id = this.cache.devices.get(key);
      if (id !== undefined) found.set(key, id);
      else missing.set(key, requests[i]);
    });
    if (missing.size > 0) {
      const now = new Date();
      const rows = [...missing.values()].map(({ projectId, value }) => ({
        project_id: projectId,
        device_type: value.deviceType,
        os: value.os,
        browser: value.browser,
        browser_version: value.browserVersion,
        created_at: now,
      }));
      await insertIgnore(context.manager, DeviceEntity, rows);
      const stored = await context.manager.find(DeviceEntity, {
        select: {
          id: true,
          project_id: true,
          device_type: true,
          os: true,
          browser: true,
          browser_version: true,
        },
        where: {
          project_id: In(unique(rows.map((r) => r.project_id))),
          browser: In(unique(rows.map((r) => r.browser))),
        },
      });
      for (const row of stored) {
        const key = deviceKey(row.project_id, {
          deviceType: row.device_type as DeviceInfo['deviceType'],
          os: row.os,
          browser: row.browser,
          browserVersion: row.browser_version,
        });
        if (!missing.has(key)) continue;
        found.set(key, row.id);
        context.afterCommit(() => void this.cache.devices.set(key, row.id));
      }
    }
    return keys.map((key) => found.get(key) as number);
  }

  /** Location ids; `null` where the country is unknown (no location row is linked then). */
  async locations(
    requests: DimensionRequest<GeoLocation>[],
    context: IngestBatchContext,
  ): Promise<(number | null)[]> {
    const keys = requests.map((r) =>
      r.value.countryCode ? locationKey(r.projectId, r.value) : null,
    );
    const found = new Map<string, number>();
    const missing = new Map<string, DimensionRequest<GeoLocation>>();
    keys.forEach((key, i) => {
      if (key === null) return;
      const id = this.cache.locations.get(key);
      if (id !== undefined) found.set(key, id);
      else missing.set(key, requests[i]);
    });
    if (missing.size > 0) {
      const now = new Date();
      const rows = [...missing.values()].map(({ projectId, value }) => ({
        project_id: projectId,
        country: value.country,
        country_code: value.countryCode,
        region: value.region,
        city: value.city,
        is_vpn: false,
        created_at: now,
      }));
      await insertIgnore(context.manager, LocationEntity, rows);
      const stored = await context.manager.find(LocationEntity, {
        select: { id: true, project_id: true, country_code: true, region: true, city: true },
        where: {
          project_id: In(unique(rows.map((r) => r.project_id))),
          country_code: In(unique(rows.map((r) => r.country_code))),
        },
      });
      for (const row of stored) {
        const key = locationKey(row.project_id, {
          country: '',
          countryCode: row.country_code,
          region: row.region,
          city: row.city,
        });
        if (!missing.has(key)) continue;
        found.set(key, row.id);
        context.afterCommit(() => void this.cache.locations.set(key, row.id));
      }
    }
    return keys.map((key) => (key === null ? null : (found.get(key) as number)));
  }
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
